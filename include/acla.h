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
/* Decodes a PNG (1..16-bit gray, gray+alpha, RGB, RGBA, palette; alpha dropped; 16-bit as
 * round(v/257)) or JPEG (gray, YCbCr/RGB; CMYK is ACLA_ERR_UNSUPPORTED) to 8 bits. Size
 * `pixels` with acla_image_info: len >= height*width*channels (ACLA_ERR_SHAPE otherwise).
 * Corrupt or truncated files are ACLA_ERR_FORMAT, progressive JPEGs of more than 100 scans
 * too. notes may be NULL. */
acla_status acla_image_read(const char *path, uint8_t *pixels, size_t len, int32_t *channels,
                            int32_t *height, int32_t *width, uint32_t *notes);
/* Writes an 8-bit image as PNG (path ending .png) or JPEG (.jpg, .jpeg; RGB as YCbCr 4:2:0).
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

#ifdef __cplusplus
}
#endif
#endif /* ACLA_H */
