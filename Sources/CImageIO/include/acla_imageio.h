// PNG and JPEG codecs behind error codes, plus the few hot loops of the imaging code.
// libpng and libjpeg report errors by longjmp (and libjpeg's default handler calls exit()),
// which Swift cannot survive, so every setjmp lives here: each function returns an ACI_* code
// and writes a sentence into the caller's aci_message. Nothing here prints or exits.
// Internal names start with aci_ so the linker version script never exports them.
#ifndef ACLA_IMAGEIO_H
#define ACLA_IMAGEIO_H
#include <stddef.h>
#include <stdint.h>

// Return codes; the numbers equal the acla_status codes they become.
enum {
    ACI_OK = 0,
    ACI_ERR_INVALID = 1,
    ACI_ERR_IO = 3,
    ACI_ERR_FORMAT = 4,
    ACI_ERR_UNSUPPORTED = 5,
    ACI_ERR_MEMORY = 6,
    ACI_ERR_INTERNAL = 9,
};

enum { ACI_FORMAT_PNG = 1, ACI_FORMAT_JPEG = 2 };

// Facts about a decoded file the caller may want to tell the user about (bit flags; the values
// equal ACLA_IMAGE_NOTE_* in acla.h).
enum {
    ACI_NOTE_ALPHA_DROPPED = 1,   // an alpha channel or tRNS transparency was discarded
    ACI_NOTE_16BIT_REDUCED = 2,   // 16-bit samples were reduced as round(v / 257)
};

// Progressive JPEGs with more scans than this are refused: each scan is a full pass over the
// coefficients, so a small hostile file with thousands of scans costs minutes. Encoders emit
// about 10 scans.
#define ACI_JPEG_MAX_SCANS 100

typedef struct {
    char text[512];
} aci_message;

typedef struct {
    int32_t format;     // ACI_FORMAT_*
    int32_t width;
    int32_t height;
    int32_t channels;   // of the decoded output: 1 (gray), 3 (RGB); with ACI_DECODE_KEEP_ALPHA
                        // also 2 (gray + alpha) and 4 (RGBA)
    uint32_t notes;     // ACI_NOTE_* bits
} aci_image_info;

const char *aci_libpng_version(void);
const char *aci_libjpeg_version(void);

// ---- decoding (decoder.c, png_decode.c, jpeg_decode.c) ----
// Decoding flags: keep a PNG's alpha channel (or its tRNS/palette transparency, expanded to one)
// instead of dropping it; JPEG has none.
enum { ACI_DECODE_KEEP_ALPHA = 1 };
// Opens a PNG or JPEG file (recognised by its signature, not its name) and reads its header.
// Refuses images of more than max_pixels pixels before any pixel memory is allocated.
typedef struct aci_decoder aci_decoder;
int aci_decoder_open(const char *path, int64_t max_pixels, uint32_t flags, aci_decoder **out,
                     aci_image_info *info, aci_message *msg);
// Decodes all pixels, 8-bit interleaved rows (HWC), into dst (len >= width*height*channels).
int aci_decoder_read(aci_decoder *decoder, uint8_t *dst, size_t len, aci_message *msg);
// Accepts NULL.
void aci_decoder_close(aci_decoder *decoder);

// ---- encoding (png_encode.c, jpeg_encode.c); atomic: a temporary file renamed at the end ----
// pixels: 8-bit interleaved HWC, channels 1 or 3 (PNG also 2: gray + alpha, 4: RGBA).
int aci_png_write(const char *path, const uint8_t *pixels, int32_t width, int32_t height,
                  int32_t channels, aci_message *msg);
// quality 1..100; RGB is stored as YCbCr 4:2:0 (libjpeg's defaults).
int aci_jpeg_write(const char *path, const uint8_t *pixels, int32_t width, int32_t height,
                   int32_t channels, int32_t quality, aci_message *msg);

// Encodes with libjpeg at `quality` (standard tables, baseline, 4:2:0 for RGB) and decodes the
// result again, in memory. dst has width*height*channels bytes and may not alias src.
int aci_jpeg_round_trip(const uint8_t *src, int32_t width, int32_t height, int32_t channels,
                        int32_t quality, uint8_t *dst, aci_message *msg);

// ---- resampling along one axis (resize_kernels.c) ----
// The data is `outer` blocks of `in_len` rows of `inner` contiguous values. Output row o of a
// block is sum_j weights[o*taps + j] * row(indices[o*taps + j]), accumulated in double in tap
// order. The u8 variant rounds half away from zero and saturates to 0..255 (MATLAB's uint8
// imresize); the double variant does not round. indices must lie in 0..in_len-1.
// Return 0, or -1 when the scratch row cannot be allocated.
int aci_resample_axis_u8(const uint8_t *src, int64_t outer, int64_t in_len, int64_t inner,
                         const double *weights, const int32_t *indices, int32_t taps,
                         int64_t out_len, uint8_t *dst);
int aci_resample_axis_f64(const double *src, int64_t outer, int64_t in_len, int64_t inner,
                          const double *weights, const int32_t *indices, int32_t taps,
                          int64_t out_len, double *dst);

// ---- SSIM of one channel (ssim_kernel.c) ----
// Mean of Zhou Wang's SSIM map over the "valid" region of a separable normalised Gaussian
// window (taps `window`, length `size`, already normalised to sum 1): a and b are height x
// width planes, height and width >= size. Returns 0 and writes *out, or -1 on allocation failure.
int aci_ssim_plane(const double *a, const double *b, int64_t height, int64_t width,
                   const double *window, int32_t size, double c1, double c2, double *out);

// ---- atomic files (atomic_file.c): every file the library writes (images, checkpoints, arrays) ----
// An output file that only replaces its destination once completely written: the data goes to
// an unnamed file in the destination's folder (O_TMPFILE; a named temporary where the file system
// lacks it), which aci_atomic_commit names and renames over the destination. Write through `file`
// (stdio) or `fd` (write(2)), not both.
#include <stdio.h>
typedef struct {
    FILE *file;
    int fd;
    char *temp_path;    // NULL while the file is unnamed
    char *final_path;
    char *dir_path;
} aci_atomic_file;

int aci_atomic_open(aci_atomic_file *out, const char *path, aci_message *msg);
// Flushes, syncs, names, closes and renames, then syncs the folder; on any failure removes the
// temporary file and the destination is untouched.
int aci_atomic_commit(aci_atomic_file *f, aci_message *msg);
// Closes and removes the temporary file (the destination is untouched). Accepts a zeroed f.
void aci_atomic_abort(aci_atomic_file *f);

#endif
