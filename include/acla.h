/*
 * acla.h — Cross-Layer Attention (CLA) and Adaptive Cross-Layer Attention (ACLA) for image
 * restoration: the stable C interface of libacla.so.
 *
 * Conventions (see README.md and ../shared/spec/C-API.md):
 *  - Every fallible function returns acla_status; ACLA_OK is 0. On failure, out-parameters are
 *    left untouched (except where a function documents otherwise) and
 *    acla_last_error_message() describes what was wrong on the calling thread.
 *  - Handles are opaque. *_destroy accepts NULL and returns void.
 *  - Buffers passed in are borrowed for the duration of the call only.
 *  - Thread safety: functions without a handle are safe from any thread. Distinct handles may
 *    be used from distinct threads at once; one handle must not be used concurrently unless the
 *    function says so.
 */
#ifndef ACLA_H
#define ACLA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ACLA_VERSION_MAJOR 0
#define ACLA_VERSION_MINOR 1
#define ACLA_VERSION_PATCH 0

/* ------------------------------------------------------------------------------------------ */
/* Status codes (pinned forever)                                                               */
/* ------------------------------------------------------------------------------------------ */

typedef int32_t acla_status;
#define ACLA_OK                    0
#define ACLA_ERR_INVALID_ARGUMENT  1   /* NULL, bad size, bad enum/JSON value */
#define ACLA_ERR_SHAPE             2   /* tensor or buffer shape mismatch */
#define ACLA_ERR_IO                3   /* file cannot be opened, read or written */
#define ACLA_ERR_FORMAT            4   /* malformed file or JSON */
#define ACLA_ERR_UNSUPPORTED       5   /* valid request the library does not support */
#define ACLA_ERR_OUT_OF_MEMORY     6   /* allocation failed or a configured limit exceeded */
#define ACLA_ERR_CANCELLED         7
#define ACLA_ERR_STATE             8   /* call not valid for this object's state */
#define ACLA_ERR_INTERNAL          9

/* Progress callback for long work: return non-zero to cancel (the call then returns
 * ACLA_ERR_CANCELLED). Called on the calling thread. */
typedef int32_t (*acla_progress_fn)(void *user, int64_t done, int64_t total);

/* ------------------------------------------------------------------------------------------ */
/* Library                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* "MAJOR.MINOR.PATCH"; static storage. */
const char *acla_version_string(void);
/* major*10000 + minor*100 + patch */
uint32_t    acla_version_number(void);
/* Static text for a status code ("unknown status code" for values outside 0..9). */
const char *acla_status_string(acla_status status);
/* A sentence about the last failure on the calling thread; "" after a success.
 * Valid until the next acla_* call on this thread. */
const char *acla_last_error_message(void);
/* Threads used by every kernel, OpenMP and OpenBLAS together (n >= 1; default: the number of
 * cores). Process-wide: call it before starting concurrent work. */
acla_status acla_set_num_threads(int32_t n);
int32_t     acla_get_num_threads(void);

/* @@MODELS@@ */

/* ------------------------------------------------------------------------------------------ */
/* Models: EDSR / RCAN backbones with optional cross-layer attention (docs/MODELS.md)          */
/* ------------------------------------------------------------------------------------------ */
/*
 * A model is described by a JSON config (docs/MODELS.md; e.g. {"backbone": "edsr", "scale": 2}).
 * Parsing is strict: malformed JSON is ACLA_ERR_FORMAT; an unknown key, a value of the wrong
 * type (true for a number, 2.0 for an integer) or out of range is ACLA_ERR_INVALID_ARGUMENT and
 * the message names the key; a config whose size exceeds the library's limits is
 * ACLA_ERR_OUT_OF_MEMORY. Parameters are named as in EDSR-PyTorch / RCAN ("head.0.weight",
 * "body.3.body.0.bias", ...), so converted official checkpoints load by name.
 *
 * Thread safety: distinct models may be used from distinct threads at once. On one model,
 * the read-only functions (acla_model_save, _config, _parameter_count, _macs, _output_size,
 * _get_parameter, _parameter_names, _parameter_shape) may run concurrently with each other;
 * acla_model_forward (which keeps per-pass attention state in the model), acla_model_set_parameter
 * and acla_model_destroy must not run concurrently with any other call on the same model.
 */
typedef struct acla_model acla_model;

/* Creates a model from a JSON config; parameters initialise like PyTorch's defaults from the
 * config's "seed" (same seed, same weights). *out receives a handle to free with
 * acla_model_destroy. */
acla_status acla_model_create(const char *config_json, acla_model **out);

/* Loads a safetensors checkpoint (F32 tensors; F16, BF16 and F64 are converted). The config
 * comes from the file's __metadata__["acla.config"], or from config_json_or_null, which
 * overrides it when non-NULL (converted official checkpoints have none). Missing, unexpected or
 * mis-shaped tensors are ACLA_ERR_FORMAT naming the tensor; a malformed file is
 * ACLA_ERR_FORMAT; a file that cannot be read is ACLA_ERR_IO. Same as acla_model_load_ex with
 * flags 0. */
acla_status acla_model_load(const char *path, const char *config_json_or_null, acla_model **out);

/* Load options for acla_model_load_ex (bitwise OR). */
/* Fine-tuning x3/x4 from an x2 checkpoint (as EDSR-PyTorch does): "tail.*" tensors load where
 * the file has them with the model's shape; missing, extra or mis-shaped ones keep their initial
 * values. The rest of the model stays strict. */
#define ACLA_LOAD_IGNORE_TAIL             1u
/* Starting an attention model from a plain backbone checkpoint: "attention.*" and "search.*"
 * parameters the file lacks keep their initial values. */
#define ACLA_LOAD_KEEP_MISSING_ATTENTION  2u

/* acla_model_load with ACLA_LOAD_* flags; unknown flag bits are ACLA_ERR_INVALID_ARGUMENT. */
acla_status acla_model_load_ex(const char *path, const char *config_json_or_null, uint32_t flags,
                               acla_model **out);

/* Saves every parameter (float32) and the canonical config as a safetensors file. The file is
 * written to a temporary name in the same directory and renamed, so `path` never holds a
 * partial checkpoint. */
acla_status acla_model_save(const acla_model *model, const char *path);

/* Frees a model; NULL is accepted. */
void        acla_model_destroy(acla_model *model);

/* The canonical JSON config. *needed receives its size including the terminating NUL; when cap
 * is smaller, nothing is written to buf and ACLA_ERR_SHAPE is returned (with *needed set). */
acla_status acla_model_config(const acla_model *model, char *buf, size_t cap, size_t *needed);

/* Number of float parameters (backbone and attention). */
acla_status acla_model_parameter_count(const acla_model *model, uint64_t *out);

/* Multiply-accumulates of one forward pass on a height x width input: every convolution, plus
 * the attention modules' dense upper bound (every gate open). height, width >= 1; a count that
 * overflows 64 bits is ACLA_ERR_INVALID_ARGUMENT. */
acla_status acla_model_macs(const acla_model *model, int32_t height, int32_t width, uint64_t *out);

/* Output channels and size for a height x width input (x scale for super-resolution). */
acla_status acla_model_output_size(const acla_model *model, int32_t height, int32_t width,
                                   int32_t *out_channels, int32_t *out_height, int32_t *out_width);

/* input: float32 NCHW, values in 0..255; output_len counts floats.
 * Runs the model in evaluation mode (no noise, hard gates) on n images of c x h x w and writes
 * the raw float output (unclamped, unrounded) as NCHW. n, c, h, w must be positive
 * (ACLA_ERR_INVALID_ARGUMENT), c the model's channels and output_len exactly
 * n * out_channels * out_height * out_width (ACLA_ERR_SHAPE); all is checked before either
 * buffer is touched. Inputs whose feature maps would exceed the library's memory limit are
 * ACLA_ERR_OUT_OF_MEMORY (restore large images in tiles). */
acla_status acla_model_forward(acla_model *model, const float *input, int32_t n, int32_t c,
                               int32_t h, int32_t w, float *output, size_t output_len);

/* Copies a parameter's values (row-major; conv weights are [out, in, kh, kw]). len must equal
 * its element count (ACLA_ERR_SHAPE otherwise); an unknown name is ACLA_ERR_INVALID_ARGUMENT. */
acla_status acla_model_get_parameter(const acla_model *model, const char *name,
                                     float *dst, size_t len);
/* Replaces a parameter's values; len must equal its element count; values must be finite. */
acla_status acla_model_set_parameter(acla_model *model, const char *name,
                                     const float *src, size_t len);

/* All parameter names in registry order, separated by '\n', NUL-terminated; the size protocol
 * of acla_model_config. */
acla_status acla_model_parameter_names(const acla_model *model, char *buf, size_t cap, size_t *needed);
/* A parameter's shape: *rank receives the number of dimensions and dims[0..rank-1] the sizes.
 * When cap < rank, nothing is written to dims, *rank is set and ACLA_ERR_SHAPE returned. */
acla_status acla_model_parameter_shape(const acla_model *model, const char *name,
                                       int64_t *dims, int32_t cap, int32_t *rank);

/* @@ATTENTION@@ */

/* @@IMAGING@@ */

#ifdef __cplusplus
}
#endif
#endif /* ACLA_H */
