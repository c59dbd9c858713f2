/*
 * acla.h — Cross-Layer Attention (CLA) and Adaptive Cross-Layer Attention (ACLA) for image
 * restoration: the stable C interface of libacla.so.
 *
 * Conventions (see README.md and ../shared/spec/C-API.md):
 *  - Every fallible function returns acla_status; ACLA_OK is 0. On failure, out-parameters are
 *    left untouched (except where a function documents otherwise) and
 *    acla_last_error_message() describes what was wrong on the calling thread.
 *  - Handles are opaque values (not addresses), checked on entry: NULL, a destroyed handle or a
 *    value that was never a handle of that kind is ACLA_ERR_INVALID_ARGUMENT, never a crash.
 *    *_destroy accepts (and ignores) all of those and returns void.
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
/* Threads used by every kernel, OpenMP and OpenBLAS together (default: the number of cores, at
 * most the cap). 1 <= n <= acla_get_max_threads(), else ACLA_ERR_INVALID_ARGUMENT. Before n is
 * accepted, n threads are actually started (with OpenMP's stack size) and ended: a count the
 * process cannot run (an address-space or thread limit) is ACLA_ERR_OUT_OF_MEMORY naming how many
 * started, and the count stays unchanged (OpenMP would abort the process instead). Once accepted,
 * OpenMP's team of n for the calling thread is started at once and kept, so that thread's
 * forwards create no thread; other threads' first forwards still do, and libomp aborts if the
 * process cannot run them by then (call this on each thread that runs forwards; see
 * docs/RELIABILITY.md, "Threads"). Process-wide and safe to call from any thread (a forward
 * already running uses the new count from its next kernel on). */
acla_status acla_set_num_threads(int32_t n);
int32_t     acla_get_num_threads(void);
/* The cap of acla_set_num_threads: min(256, the GEMM calls OpenBLAS can run at once, which is
 * 2 x its build's MAX_THREADS: 128 with Debian's OpenBLAS). Every kernel thread may be inside a
 * GEMM, so concurrent calls from several threads should keep callers x threads within it too. */
int32_t     acla_get_max_threads(void);
/* The most memory one call may plan to use. acla_model_forward, acla_model_restore and every
 * training step estimate the working set of the whole call (feature maps alive at once, kernel
 * scratch, the Winograd weight cache a first pass builds; for a training step every map the
 * backward pass keeps) from the config and the input size before allocating anything, and
 * refuse an estimate over this limit, or over the address space the process has left under an
 * RLIMIT_AS limit (ulimit -v), with ACLA_ERR_OUT_OF_MEMORY naming both figures. The estimate is
 * an upper bound, 1.3 to 5 times the measured peak (docs/RELIABILITY.md). bytes: the limit, or 0
 * for the default, the physical memory; above INT64_MAX is ACLA_ERR_INVALID_ARGUMENT.
 * Process-wide and safe from any thread; each call is estimated alone (concurrent calls add up). */
acla_status acla_set_memory_limit(uint64_t bytes);
/* The limit in force (the physical memory unless set). */
uint64_t    acla_get_memory_limit(void);

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
 * Thread safety (tested by Tests/capi/test_stress.c): distinct models may be used from distinct
 * threads at once. On one model:
 *  - acla_model_forward may run from several threads at once (each call has its own pass state
 *    and scratch memory), and concurrently with the read-only functions (acla_model_save,
 *    _config, _parameter_count, _macs, _output_size, _get_parameter, _parameter_names,
 *    _parameter_shape, _derive) and the attention functions below;
 *  - acla_model_set_parameter must not run concurrently with any other call on the same model
 *    (a forward would read half-written weights);
 *  - acla_model_destroy may be called while other calls on the model run: they finish normally
 *    and every later call with the handle is ACLA_ERR_INVALID_ARGUMENT.
 * Handles are checked on entry: NULL, a destroyed handle or a value that was never a model
 * handle is ACLA_ERR_INVALID_ARGUMENT, never a crash (acla_model_destroy ignores them).
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

/* Frees a model; NULL, an already destroyed handle and a value that was never a handle are
 * ignored. Calls running on the model from other threads finish first (the memory goes when the
 * last one returns). */
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
 * (ACLA_ERR_INVALID_ARGUMENT), values finite (see acla_model_set_allow_nonfinite), c the model's channels and output_len exactly
 * n * out_channels * out_height * out_width (ACLA_ERR_SHAPE); all is checked before either
 * buffer is touched. Inputs whose feature maps would exceed the library's per-map limit, or whose
 * estimated working set exceeds acla_set_memory_limit or the address space left, are
 * ACLA_ERR_OUT_OF_MEMORY before anything is allocated (restore large images in tiles). The last
 * layer writes straight into output (no copy after the pass), so after a failure once the pass
 * has started (out of memory) its contents are unspecified. input and output may be the same
 * buffer (a same-resolution model in place): the result is then copied in at the end. */
acla_status acla_model_forward(acla_model *model, const float *input, int32_t n, int32_t c,
                               int32_t h, int32_t w, float *output, size_t output_len);
/* By default acla_model_forward refuses input holding a NaN or an infinity (the output would be
 * NaN): ACLA_ERR_INVALID_ARGUMENT naming the first such element (flat index and n, c, y, x).
 * allow = 1 lets such input through, 0 restores the check; other values are
 * ACLA_ERR_INVALID_ARGUMENT. Same thread-safety rule as acla_model_forward. */
acla_status acla_model_set_allow_nonfinite(acla_model *model, int32_t allow);

/* Copies a parameter's values (row-major; conv weights are [out, in, kh, kw]). len must equal
 * its element count (ACLA_ERR_SHAPE otherwise); an unknown name is ACLA_ERR_INVALID_ARGUMENT. */
acla_status acla_model_get_parameter(const acla_model *model, const char *name,
                                     float *dst, size_t len);
/* Replaces a parameter's values; len must equal its element count; values must be finite
 * (ACLA_ERR_INVALID_ARGUMENT naming the index). The one rule for parameters: they are finite, so
 * acla_model_load refuses a checkpoint holding NaN or infinity (ACLA_ERR_FORMAT naming the tensor
 * and index) and acla_model_save refuses a model holding one (ACLA_ERR_STATE). */
acla_status acla_model_set_parameter(acla_model *model, const char *name,
                                     const float *src, size_t len);

/* All parameter names in registry order, separated by '\n', NUL-terminated; the size protocol
 * of acla_model_config. */
acla_status acla_model_parameter_names(const acla_model *model, char *buf, size_t cap, size_t *needed);
/* A parameter's shape: *rank receives the number of dimensions and dims[0..rank-1] the sizes.
 * When cap < rank, nothing is written to dims, *rank is set and ACLA_ERR_SHAPE returned. */
acla_status acla_model_parameter_shape(const acla_model *model, const char *name,
                                       int64_t *dims, int32_t cap, int32_t *rank);

/* ------------------------------------------------------------------------------------------ */
/* Attention: per-module statistics, the Figure-2 probe, measured cost, search outcome         */
/* (docs/ATTENTION.md)                                                                         */
/* ------------------------------------------------------------------------------------------ */
/*
 * The attention modules of a model are numbered 0..count-1 in the order of their insert
 * positions. Statistics describe the last acla_model_forward on the same model; asking before
 * the first one is ACLA_ERR_STATE. An index outside 0..count-1 is ACLA_ERR_INVALID_ARGUMENT.
 * Attention feature maps are on the input's pixel grid (the body runs before the upsampler), so
 * probe coordinates are input pixels. Statistics of a batch cover all its images; the probe
 * records the first image.
 *
 * Thread safety: these functions may run concurrently with acla_model_forward and each other.
 * The statistics and probe are those of the last forward to finish; acla_model_set_probe and
 * _set_attention_memory_limit apply to the forwards that start after them.
 */

/* Number of attention modules: 0 for attention kind "none". */
acla_status acla_model_attention_count(const acla_model *model, int32_t *count);

/* Module `index`: *position receives its layer j (it runs after layer j, 1-based), *sources the
 * number r of layers it reads keys from (ATTENTION.md section 2), *keys its K (0 for NL, CLNL and
 * SE, which read whole maps or none). */
acla_status acla_model_attention_module(const acla_model *model, int32_t index, int32_t *position,
                                        int32_t *sources, int32_t *keys);

/* The layers module `index` reads keys from, ascending (its own layer last). *count receives
 * their number; when cap is smaller, nothing is written to layers and ACLA_ERR_SHAPE is returned. */
acla_status acla_model_attention_sources(const acla_model *model, int32_t index, int32_t *layers,
                                         int32_t cap, int32_t *count);

/* Fraction of keys module `index` gathered in the last forward pass: open keys / (r * K * pixels
 * * images). ACLA: the keys its gates opened; CLA, NL, CLNL, SE: 1; a search supernet's module
 * switched off by its layer gate: 0. */
acla_status acla_model_attention_open_fraction(const acla_model *model, int32_t index, double *fraction);

/* Multiply-accumulates module `index` executed in the last forward pass, per image, counting
 * only the keys actually gathered (ATTENTION.md section 5). */
acla_status acla_model_attention_macs(const acla_model *model, int32_t index, uint64_t *out);

/* Multiply-accumulates of the last forward pass, per image: the backbone's convolutions plus
 * every attention module's measured count; at most acla_model_macs for the same size. A model
 * without attention is ACLA_ERR_STATE (its cost does not depend on the input: use
 * acla_model_macs). */
acla_status acla_model_measured_macs(const acla_model *model, uint64_t *out);

/* Chooses the query pixel (y, x) whose keys the following forward passes record in every
 * module (the data of the paper's Figure 2); (-1, -1) switches recording off. A pixel outside a
 * pass's maps records nothing. ACLA_ERR_STATE for a model without attention. */
acla_status acla_model_set_probe(acla_model *model, int32_t y, int32_t x);

/* The probed query's keys in module `index` from the last forward pass, ordered by source then
 * key: the source layer each key was read from, its sampling location (fractional input pixels)
 * and its weight in the module's joint softmax, and whether it was open (1) or closed (0; weight
 * 0). CLA/ACLA report all r * K keys; NL and CLNL the 16 largest weights of each source (the
 * comparison row of Figure 2). *count receives the number of keys (0 without a probe); when cap
 * is smaller, nothing is written and ACLA_ERR_SHAPE is returned. Any of the five arrays may be
 * NULL to skip that field. */
acla_status acla_model_probe_keys(const acla_model *model, int32_t index, int32_t *source_layers,
                                  float *key_y, float *key_x, float *weights, uint8_t *open,
                                  size_t cap, size_t *count);

/* NL and CLNL refuse (ACLA_ERR_OUT_OF_MEMORY, naming the size) inputs whose attention matrix,
 * pixels x (r * pixels) floats, would exceed this many bytes (default 1 GiB): restore large
 * images in tiles, or raise the limit. bytes >= 1; no effect on other kinds. */
acla_status acla_model_set_attention_memory_limit(acla_model *model, uint64_t bytes);

/* A search supernet's (attention "positions": "all") current outcome: the layers j with
 * search.alpha[j-1] >= 0, ascending. *count receives their number; when cap is smaller, nothing
 * is written and ACLA_ERR_SHAPE is returned. A model that is not a supernet is
 * ACLA_ERR_INVALID_ARGUMENT. */
acla_status acla_model_search_positions(const acla_model *model, int32_t *positions, int32_t cap,
                                        int32_t *count);

/* The derived network of a search supernet (ATTENTION.md section 5): the same model with
 * attention at `positions` (count entries, sorted, unique, within 1..L), or when positions is
 * NULL at acla_model_search_positions; the supernet's trained weights are kept, each module's
 * offset/logit convs reduced to the rows of its kept sources. No position gives the plain
 * backbone. *out receives a new model to free with acla_model_destroy; fine-tune it as usual. */
acla_status acla_model_derive(const acla_model *supernet, const int32_t *positions, int32_t count,
                              acla_model **out);

/* ------------------------------------------------------------------------------------------ */
/* Images, degradations and metrics                                                            */
/* ------------------------------------------------------------------------------------------ */
/*
 * Pixel buffers: rows top to bottom, channels interleaved (HWC, the layout of PNG/JPEG rows
 * and numpy images): sample (y, x, c) is at index (y*width + x)*channels + c. channels is 1
 * (gray) or 3 (RGB). 8-bit buffers are uint8_t; float buffers are float with values on the
 * 0..255 scale. Every length counts samples (not bytes) and must equal height*width*channels
 * of its image exactly (ACLA_ERR_SHAPE otherwise); outputs go into caller buffers.
 * Functions whose input and output have the same size take one `len` and allow dst == src.
 * Images over the pixel limit (below) are refused with ACLA_ERR_OUT_OF_MEMORY, in memory as in
 * files. These functions have no handles and are safe from any thread, except
 * acla_image_set_pixel_limit, which is process-wide.
 * Conventions (MATLAB-exact resize, noise, metrics): ../shared/spec/CONVENTIONS.md sections 2
 * and 3, and docs/IMAGING.md.
 */

#define ACLA_IMAGE_FORMAT_PNG           1
#define ACLA_IMAGE_FORMAT_JPEG          2
/* Bits of `notes`: what decoding dropped or reduced (tell the user). */
#define ACLA_IMAGE_NOTE_ALPHA_DROPPED   1u  /* alpha channel or tRNS transparency discarded */
#define ACLA_IMAGE_NOTE_16BIT_REDUCED   2u  /* 16-bit samples reduced as round(v / 257) */

#define ACLA_BOUNDARY_SYMMETRIC         0   /* mirror, edge repeated (MATLAB's default) */
#define ACLA_BOUNDARY_REPLICATE         1   /* clamp to the edge */

#define ACLA_MEASURE_RGB                0   /* every channel as stored */
#define ACLA_MEASURE_Y                  1   /* BT.601 luma of RGB, float (gray: as stored) */

/* Largest image (height*width pixels, any channels) decoded, accepted or produced; default
 * 100,000,000. Files over it are refused after reading the header, before any pixel memory is
 * allocated. max_pixels >= 1. */
acla_status acla_image_set_pixel_limit(int64_t max_pixels);
int64_t     acla_image_get_pixel_limit(void);

/* Reads a PNG or JPEG header (the format comes from the file's signature, not its name).
 * channels is that of the decoded image: 1 for gray and gray+alpha, 3 for RGB, RGBA and
 * palette. format and notes may be NULL. */
acla_status acla_image_info(const char *path, int32_t *format, int32_t *channels,
                            int32_t *height, int32_t *width, uint32_t *notes);
/* Flag of acla_image_info_ex / acla_image_read_ex: keep a PNG's alpha channel as the last
 * channel (gray + alpha -> 2 channels, RGBA -> 4; tRNS or palette transparency becomes an
 * alpha channel; 16-bit alpha as round(v/257)); ACLA_IMAGE_NOTE_ALPHA_DROPPED is then never
 * set. Images without alpha (and every JPEG) decode as without the flag. */
#define ACLA_IMAGE_READ_KEEP_ALPHA      1u
/* acla_image_info with flags (0 or ACLA_IMAGE_READ_KEEP_ALPHA; other bits are
 * ACLA_ERR_INVALID_ARGUMENT): channels is what acla_image_read_ex gives with the same flags. */
acla_status acla_image_info_ex(const char *path, uint32_t flags, int32_t *format, int32_t *channels,
                               int32_t *height, int32_t *width, uint32_t *notes);
/* Decodes a PNG (1..16-bit gray, gray+alpha, RGB, RGBA, palette; alpha dropped; 16-bit as
 * round(v/257)) or JPEG (gray, YCbCr/RGB; CMYK is ACLA_ERR_UNSUPPORTED) to 8 bits. Size
 * `pixels` with acla_image_info: len >= height*width*channels (ACLA_ERR_SHAPE otherwise).
 * Corrupt or truncated files are ACLA_ERR_FORMAT, progressive JPEGs of more than 100 scans
 * too. notes may be NULL. */
acla_status acla_image_read(const char *path, uint8_t *pixels, size_t len, int32_t *channels,
                            int32_t *height, int32_t *width, uint32_t *notes);
/* acla_image_read with flags (as acla_image_info_ex): with ACLA_IMAGE_READ_KEEP_ALPHA, 1 to 4
 * channels (size `pixels` with acla_image_info_ex and the same flags). */
acla_status acla_image_read_ex(const char *path, uint32_t flags, uint8_t *pixels, size_t len,
                               int32_t *channels, int32_t *height, int32_t *width, uint32_t *notes);
/* Writes an 8-bit image as PNG (path ending .png) or JPEG (.jpg, .jpeg; RGB as YCbCr 4:2:0).
 * channels 1 or 3; PNG also 2 (gray + alpha) and 4 (RGBA), which JPEG cannot hold
 * (ACLA_ERR_UNSUPPORTED).
 * jpeg_quality: 1..100, or 0 for 95; ignored for PNG. The file is written to a temporary
 * name in the same folder and renamed over `path` only when complete, so a failed write never
 * destroys an existing file. */
acla_status acla_image_write(const char *path, const uint8_t *pixels, size_t len,
                             int32_t channels, int32_t height, int32_t width,
                             int32_t jpeg_quality);

/* MATLAB imresize(I, scale, 'bicubic') output size: ceil(height*scale) x ceil(width*scale).
 * Downscaling by s is scale = 1.0/s. */
acla_status acla_resize_output_size(int32_t height, int32_t width, double scale,
                                    int32_t *out_height, int32_t *out_width);
/* MATLAB imresize(I, scale, 'bicubic') (antialiased when shrinking), any scale > 0, boundary
 * ACLA_BOUNDARY_*. The 8-bit version rounds and saturates after each 1-D pass (height first),
 * as MATLAB does on uint8, which makes it bit-exact with MATLAB-made benchmark images; the
 * float version rounds nothing. dst_len = out_height*out_width*channels. */
acla_status acla_resize_bicubic(const uint8_t *src, size_t src_len, int32_t channels,
                                int32_t height, int32_t width, double scale, int32_t boundary,
                                uint8_t *dst, size_t dst_len);
acla_status acla_resize_bicubic_f32(const float *src, size_t src_len, int32_t channels,
                                    int32_t height, int32_t width, double scale,
                                    int32_t boundary, float *dst, size_t dst_len);
/* MATLAB modcrop: the top-left (height - height % scale) x (width - width % scale) part. */
acla_status acla_modcrop(const uint8_t *src, size_t src_len, int32_t channels, int32_t height,
                         int32_t width, int32_t scale, uint8_t *dst, size_t dst_len);

/* Gaussian noise with sigma on the 0..255 scale (sigma >= 0), reproducible from seed: sample
 * i (buffer order) gets x + sigma*n_i, n_i the i-th standard normal of the library's stream
 * (SplitMix64 + Box-Muller, docs/IMAGING.md). Float convention: unrounded (DnCNN/SwinIR).
 * 8-bit convention (_u8): rounded half away from zero and clipped to 0..255 (RNAN). The same
 * seed gives the same noise in both. */
acla_status acla_degrade_noise(const float *src, float *dst, size_t len, int32_t channels,
                               int32_t height, int32_t width, double sigma, uint64_t seed);
acla_status acla_degrade_noise_u8(const uint8_t *src, uint8_t *dst, size_t len,
                                  int32_t channels, int32_t height, int32_t width,
                                  double sigma, uint64_t seed);
/* Bayer GRBG mosaic of an RGB image (row 0: G R, row 1: B G), kept as 3 channels with zeros in
 * the missing colours. len = height*width*3. */
acla_status acla_degrade_mosaic(const uint8_t *src, uint8_t *dst, size_t len, int32_t height,
                                int32_t width);
/* JPEG round trip through libjpeg-turbo at quality 1..100 (standard tables, baseline). Gray
 * images are coded as one component (the benchmark setting; bit-exact with classic5 at q10).
 * RGB images are coded as a standard colour JPEG (YCbCr 4:2:0) and returned as RGB; to degrade
 * the luma only, convert to gray first. */
acla_status acla_degrade_jpeg(const uint8_t *src, uint8_t *dst, size_t len, int32_t channels,
                              int32_t height, int32_t width, int32_t quality);
/* MATLAB rgb2gray: round(0.298936021293775 R + 0.587043074451121 G + 0.114020904255103 B).
 * rgb_len = height*width*3, gray_len = height*width. */
acla_status acla_rgb_to_gray(const uint8_t *rgb, size_t rgb_len, int32_t height, int32_t width,
                             uint8_t *gray, size_t gray_len);
/* BT.601 Y (MATLAB rgb2ycbcr): 16 + (65.481 R + 128.553 G + 24.966 B)/255, not rounded. */
acla_status acla_rgb_to_y(const uint8_t *rgb, size_t rgb_len, int32_t height, int32_t width,
                          float *y, size_t y_len);

/* PSNR = 10 log10(255^2 / MSE) over all measured samples (+infinity for identical images) and
 * SSIM (Zhou Wang's ssim_index: 11x11 Gaussian window, sigma 1.5, valid filtering, channels
 * averaged), in float64 as RCAN's MATLAB scripts and BasicSR compute them. `border` pixels are
 * shaved from each side first (super-resolution: the scale). measure: ACLA_MEASURE_*. The
 * _f32 versions quantise both images as round(clamp(x, 0, 255)) first (NaN is an error).
 * SSIM needs at least 11 x 11 pixels after the border. */
acla_status acla_psnr(const uint8_t *a, const uint8_t *b, size_t len, int32_t channels,
                      int32_t height, int32_t width, int32_t border, int32_t measure,
                      double *out);
acla_status acla_ssim(const uint8_t *a, const uint8_t *b, size_t len, int32_t channels,
                      int32_t height, int32_t width, int32_t border, int32_t measure,
                      double *out);
acla_status acla_psnr_f32(const float *a, const float *b, size_t len, int32_t channels,
                          int32_t height, int32_t width, int32_t border, int32_t measure,
                          double *out);
acla_status acla_ssim_f32(const float *a, const float *b, size_t len, int32_t channels,
                          int32_t height, int32_t width, int32_t border, int32_t measure,
                          double *out);

/* ---- bundled default models ----
 * Trained models that ship with acla (models/ in the source tree, $PREFIX/share/acla/models after
 * `make install`), found without a path: $ACLA_MODELS_DIR, else beside libacla.so
 * (<libdir>/../share/acla/models, or the build tree's models/). Names: "sr-x2", "sr-x3", "sr-x4",
 * "denoise", "jpeg", "demosaic" (acla_models_catalog lists the ones present).
 * Thread safety: both may be called from any thread. */

/* Loads a bundled model by name; an unknown name is ACLA_ERR_INVALID_ARGUMENT listing the names
 * there are; no catalog found is ACLA_ERR_IO naming the folders searched. */
acla_status acla_model_load_default(const char *name, acla_model **out);
/* The catalog as JSON ({"directory": ..., "models": [{name, file, task, scale, training, scores,
 * ...}]}), with the size protocol of acla_model_config. */
acla_status acla_models_catalog(char *buf, size_t cap, size_t *needed);

/* ------------------------------------------------------------------------------------------ */
/* Training and the insert-position search (docs/TRAINING.md)                                  */
/* ------------------------------------------------------------------------------------------ */
/*
 * A trainer updates a model's parameters in place (acla_model_get_parameter sees them; the
 * trainer keeps the model alive, so it may be destroyed first). Arithmetic follows PyTorch:
 * Adam as torch.optim.Adam (bias correction, eps after the square root, weight_decay as L2 on
 * the gradient), L1/MSE with reduction='mean' over every element (pixel values 0..255),
 * clip_grad_norm_ on the global 2-norm; MeanShift (sub_mean, add_mean) is not trained.
 *
 * options_json (NULL: every default; unknown keys are ACLA_ERR_INVALID_ARGUMENT naming the key):
 *   {"optimizer": {"kind": "adam", "lr": 1e-4, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0},
 *    "loss": "l1" | "mse", "clip_grad_norm": null | number,
 *    "schedule": {"kind": "constant" | "halving" | "step" | "cosine", "every": N | "milestones": [..],
 *                 "step_size": N, "gamma": g, "t_max": N, "eta_min": x, "warmup_steps": W},
 *    "seed": 0, "key_temperature": 1,
 *    "cost_lambda": 0, "alpha_optimizer": {...}, "alpha_schedule": {...},
 *    "search": {"warmup_steps": N, "search_steps": M}, "layer_temperature": {"start": 5, "end": 0.5}}
 * The schedule gives weight step i (0-based) the rate it names for step i. The search keys apply
 * to supernet models (attention positions "all"): weight steps 0..N-1 run with every layer gate
 * open (stage 1), later ones sample the gates from alpha (stage 2) with tau decaying from start
 * to end over M steps and lambda * log(cost in GMACs) added to the loss.
 *
 * Every random number of a step (Gumbel noise) derives from the seed and the step counters, so
 * a checkpoint saved after step k and resumed continues bit-identically to an uninterrupted run.
 * A step that fails (bad sizes, non-finite input, a non-finite loss or gradient) changes nothing.
 *
 * Thread safety: one trainer must not be used concurrently, nor its model (acla_model_forward,
 * _set_parameter) while a trainer call runs on it.
 */
typedef struct acla_trainer acla_trainer;

acla_status acla_trainer_create(acla_model *model, const char *options_json, acla_trainer **out);
void        acla_trainer_destroy(acla_trainer *trainer);

/* One optimiser step on a caller batch (NCHW float32, 0..255); target is the model's output
 * shape (target_len = n * out_channels * out_height * out_width, see acla_model_output_size).
 * *loss receives the reconstruction loss. The model's parameters are updated in place. */
acla_status acla_trainer_step(acla_trainer *trainer, const float *input, int32_t n, int32_t c,
                              int32_t h, int32_t w, const float *target, size_t target_len,
                              double *loss);
/* Search stage 2: one step of the architecture parameters only, on a validation batch; *loss
 * receives the differentiated loss (reconstruction + lambda * log(cost)). ACLA_ERR_STATE for a
 * model without search.alpha, or in stage 1. */
acla_status acla_trainer_alpha_step(acla_trainer *trainer, const float *input, int32_t n,
                                    int32_t c, int32_t h, int32_t w, const float *target,
                                    size_t target_len, double *loss);
/* A training checkpoint (safetensors, written atomically): the model's parameters under their
 * usual names, "train.adam.exp_avg" / "train.adam.exp_avg_sq" (and "train.alpha_adam.*" for a
 * supernet) and the metadata "acla.train" (step counters, options, RNG positions). */
acla_status acla_trainer_save(const acla_trainer *trainer, const char *path);
/* Restores weights, optimiser state, counters and options from a training checkpoint of the
 * same model (ACLA_ERR_INVALID_ARGUMENT for another model, ACLA_ERR_FORMAT for a file without
 * training state); nothing changes on failure. */
acla_status acla_trainer_resume(acla_trainer *trainer, const char *path);
/* The schedule's base rate (lr >= 0); the schedule keeps applying on top of it. */
acla_status acla_trainer_set_learning_rate(acla_trainer *trainer, double lr);
/* The rate the next weight step uses. */
acla_status acla_trainer_get_learning_rate(const acla_trainer *trainer, double *lr);
/* Completed weight steps / alpha steps. */
acla_status acla_trainer_get_step(const acla_trainer *trainer, int64_t *step);
acla_status acla_trainer_get_alpha_step(const acla_trainer *trainer, int64_t *step);
/* tau of the ACLA key gates (> 0) and of the search's layer gates (> 0, fixed from now on; NaN
 * keeps the decay schedule). */
acla_status acla_trainer_set_gate_temperature(acla_trainer *trainer, double key_temperature,
                                              double layer_temperature);
/* The canonical options JSON (every key written); the `needed` protocol of acla_model_config. */
acla_status acla_trainer_options(const acla_trainer *trainer, char *buf, size_t cap, size_t *needed);

/* Trains on folders of PNG/JPEG images until the trainer has done "steps" weight steps (a
 * supernet also does one alpha step on a validation batch after each stage-2 weight step).
 * run_json (unknown keys are errors):
 *   {"data": DIR, "steps": N, "checkpoint": PATH,            (required)
 *    "val": DIR | "val_holdout": N, "val_crop": 0, "val_every": 1000, "best": PATH, "keep_best": true,
 *    "resume": PATH, "patch": 48, "batch": 16, "augment": true, "data_memory_mb": 4096,
 *    "boundary": "symmetric" | "replicate", "sigma": 25 | [lo, hi], "noise_convention": "float" | "uint8",
 *    "quality": 10 | [lo, hi], "save_every": 1000, "log_every": 100, "log": PATH}
 * Inputs are made per task (MATLAB bicubic on uint8 for sr, Gaussian noise, Bayer GRBG, JPEG);
 * patches, augmentations and noise derive from the options' seed and the step, whatever the
 * thread count. The checkpoint is written every save_every steps and at the end; the best
 * validation model (a plain model checkpoint) is kept at "best" (default <checkpoint>.best.safetensors).
 * progress (may be NULL) is called after every step with (step, steps); a non-zero return saves
 * the checkpoint and returns ACLA_ERR_CANCELLED. */
acla_status acla_trainer_run(acla_trainer *trainer, const char *run_json, acla_progress_fn progress,
                             void *user);
/* Mean PSNR / SSIM of the last validation acla_trainer_run did (ACLA_ERR_STATE before any). */
acla_status acla_trainer_validation(const acla_trainer *trainer, double *psnr, double *ssim);

/* Data-parallel training (docs/DISTRIBUTED.md). The host links MPI (or anything else) and gives
 * the trainer its rank, the world size and an all-reduce: allreduce(user, buffer, count, timeout)
 * must replace buffer[0..count) by its element-wise sum over every rank (the same result on every
 * rank) within timeout_seconds and return 0, or return non-zero (the trainer's call then fails
 * with ACLA_ERR_STATE naming the rank, the step and the code, parameters unchanged; the host
 * should then end the job: the ranks may have diverged). Called on the thread of the trainer
 * call, several times per step, in the same order on every rank.
 * Each rank then passes its own shard of the global batch to acla_trainer_step (shards in rank
 * order make the global batch); gradients are weighted by each shard's share and summed, so
 * every rank applies the same update, that of one process stepping on the whole batch (up to
 * float rounding of the summation order). Gumbel noise is drawn per sample of the global batch.
 * acla_trainer_run: "batch" is the global batch, each rank draws its shard; rank 0 alone writes
 * the checkpoint, the best model and the log and validates; a cancelling progress callback on
 * any rank stops every rank after the next step. Call acla_trainer_save on rank 0 only.
 * bucket_floats: gradients go out in calls of at most this many floats (0: 1048576);
 * timeout_seconds: passed to every call (0: 300). allreduce NULL detaches the communicator (the
 * other arguments are then ignored). world_size 1..1048576, 0 <= rank < world_size. */
typedef int32_t (*acla_allreduce_fn)(void *user, float *buffer, size_t count, double timeout_seconds);
acla_status acla_trainer_set_communicator(acla_trainer *trainer, int32_t rank, int32_t world_size,
                                          acla_allreduce_fn allreduce, void *user,
                                          size_t bucket_floats, double timeout_seconds);

/* ------------------------------------------------------------------------------------------ */
/* Restoring 8-bit images: tiles, self-ensemble, progress (docs/RESTORE.md)                    */
/* ------------------------------------------------------------------------------------------ */
/*
 * acla_model_restore runs a model over an 8-bit HWC image for its config's task and returns an
 * 8-bit image. Inputs have 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA) channels; how each
 * meets the model's task and channels (docs/RESTORE.md has the table):
 *  - super-resolution (x2/x3/x4; RGB models): RGB -> RGB; gray is replicated to RGB and the
 *    luma of the result is returned (1 channel; ACLA_RESTORE_NOTE_GRAY_AS_RGB); alpha is
 *    upscaled with MATLAB bicubic, not restored (ACLA_RESTORE_NOTE_ALPHA_RESIZED).
 *  - denoising, JPEG artifact reduction: the model's channels; a gray input of an RGB model as
 *    above; an RGB input of a 1-channel JPEG model restores the luma Y and keeps Cb/Cr
 *    (out = in + restored Y - Y in every channel; ACLA_RESTORE_NOTE_LUMA_ONLY); an RGB input of
 *    a 1-channel denoising model is restored channel by channel (ACLA_RESTORE_NOTE_PER_CHANNEL);
 *    alpha is copied (ACLA_RESTORE_NOTE_ALPHA_COPIED).
 *  - demosaicing: a 1-channel raw GRBG Bayer image (ACLA_RESTORE_NOTE_BAYER_RAW) or the
 *    3-channel mosaic acla_degrade_mosaic makes (samples outside the pattern are ignored);
 *    output RGB. Inputs with alpha are ACLA_ERR_UNSUPPORTED.
 * Luma is MATLAB rgb2gray's weighting (0.298936 R + 0.587043 G + 0.114021 B), in float;
 * outputs are quantised once, as round(clamp(x, 0, 255)).
 *
 * Tiling: the model runs on windows of `tile` x `tile` input pixels (default 256; 0 = the whole
 * image as one window; sides rounded up by at most 3 pixels so that windows align with the 4x4
 * tiles of the Winograd convolution, which makes tiled output equal untiled output away from the
 * cuts) of which neighbours share at least `overlap` pixels (default 64); each output
 * pixel comes from the window in which it lies farthest from an edge, so peak memory grows with
 * the tile, not the image. Attention reads keys anywhere in its window, so tiled output may
 * differ from untiled near the cuts (docs/RESTORE.md has measured figures). Tiles run one after
 * another, each using every thread (acla_set_num_threads).
 *
 * Thread safety: acla_model_restore follows acla_model_forward's rule on its model. An options
 * handle may be read by several restores at once; its setters must not run concurrently with a
 * restore using it.
 */
typedef struct acla_restore_options acla_restore_options;

/* Bits of acla_model_restore_output_size's `notes`: what the restore does with the channels. */
#define ACLA_RESTORE_NOTE_GRAY_AS_RGB    1u  /* gray through an RGB model; output = luma of the result */
#define ACLA_RESTORE_NOTE_LUMA_ONLY      2u  /* RGB through a 1-channel model as Y; Cb/Cr kept */
#define ACLA_RESTORE_NOTE_PER_CHANNEL    4u  /* RGB through a 1-channel model, one channel at a time */
#define ACLA_RESTORE_NOTE_BAYER_RAW      8u  /* 1-channel input read as raw GRBG Bayer; output RGB */
#define ACLA_RESTORE_NOTE_ALPHA_RESIZED 16u  /* alpha upscaled bicubically, not restored */
#define ACLA_RESTORE_NOTE_ALPHA_COPIED  32u  /* alpha copied unchanged, not restored */

/* New options with the defaults: tile 256, overlap 64, no ensemble, no progress callback.
 * Free with acla_restore_options_destroy. */
acla_status acla_restore_options_create(acla_restore_options **out);
/* Frees an options handle; NULL is accepted. */
void        acla_restore_options_destroy(acla_restore_options *options);
/* Window side in input pixels (tile >= 1, or 0 for the whole image) and the pixels neighbouring
 * windows share (0 <= overlap < tile; ignored for tile 0). */
acla_status acla_restore_options_set_tile(acla_restore_options *options, int32_t tile, int32_t overlap);
acla_status acla_restore_options_get_tile(const acla_restore_options *options, int32_t *tile,
                                          int32_t *overlap);
/* 1: average the 8 dihedral transforms (flips, transposition) of every window (8x the work);
 * 0: off (the default). */
acla_status acla_restore_options_set_ensemble(acla_restore_options *options, int32_t enabled);
/* progress(user, done, total) is called on the restoring thread with done = 0 before any work
 * and after every forward pass (total = windows x ensemble transforms x colour planes, the 3
 * planes of ACLA_RESTORE_NOTE_PER_CHANNEL); a non-zero return cancels: acla_model_restore
 * returns ACLA_ERR_CANCELLED. NULL removes the callback. The options keep both pointers: the
 * callback and `user` must stay valid while restores use these options. */
acla_status acla_restore_options_set_progress(acla_restore_options *options, acla_progress_fn progress,
                                              void *user);

/* Output channels, height and width of restoring a `channels`-channel height x width image,
 * and in *notes (may be NULL) the ACLA_RESTORE_NOTE_* bits of what happens to its channels.
 * Images or outputs over the pixel limit are ACLA_ERR_OUT_OF_MEMORY. */
acla_status acla_model_restore_output_size(const acla_model *model, int32_t channels, int32_t height,
                                           int32_t width, int32_t *out_channels, int32_t *out_height,
                                           int32_t *out_width, uint32_t *notes);

/* Restores an 8-bit HWC image into a caller buffer. input_len = height*width*channels and
 * output_len = out_height*out_width*out_channels (acla_model_restore_output_size) exactly
 * (ACLA_ERR_SHAPE otherwise); the buffers must not overlap. options may be NULL (defaults).
 * Every argument is checked before the output is touched. After ACLA_ERR_CANCELLED, or a
 * failure once the work has started (ACLA_ERR_OUT_OF_MEMORY for a window too large, say), the
 * output holds the restored pixels of the windows finished so far and its previous contents
 * elsewhere (alpha is written last). Overwrites the model's attention statistics like
 * acla_model_forward (they describe the last window's last pass). */
acla_status acla_model_restore(acla_model *model, const acla_restore_options *options,
                               const uint8_t *input, size_t input_len, int32_t channels,
                               int32_t height, int32_t width, uint8_t *output, size_t output_len);

#ifdef __cplusplus
}
#endif
#endif /* ACLA_H */
