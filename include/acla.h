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

/* @@ATTENTION@@ */

/* @@IMAGING@@ */

#ifdef __cplusplus
}
#endif
#endif /* ACLA_H */
