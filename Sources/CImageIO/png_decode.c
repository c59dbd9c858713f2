// PNG decoding with libpng's progressive-row API: 1/2/4/8/16-bit gray, gray+alpha, RGB, RGBA
// and palette in; 8-bit gray or RGB out, or with ACI_DECODE_KEEP_ALPHA gray + alpha and RGBA
// where the file has alpha or tRNS transparency (else alpha is dropped, with a note). 16-bit
// samples are reduced as round(v / 257) here, not by libpng (whose simplified API would scale
// differently); alpha the same way (PNG alpha is never premultiplied).
#include "internal.h"
#include <png.h>
#include <stdlib.h>
#include <string.h>

struct aci_png_state {
    png_structp png;
    png_infop info;
    FILE *file;
    char *path;
    int interlaced;
    int channels;       // per pixel in libpng's output rows (1..4)
    int sixteen;        // samples of libpng's output rows are 16-bit big-endian
    size_t rowbytes;
    int truncated;
    int read_error;
    char error_text[200];
    char warning_text[200];
};

static void aci_png_on_error(png_structp png, png_const_charp text) {
    aci_png_state *s = png_get_error_ptr(png);
    snprintf(s->error_text, sizeof s->error_text, "%s", text ? text : "unknown error");
    png_longjmp(png, 1);
}

// Warnings are remembered (the last one often says why a following error happened) but never
// printed: a library must not write to the host's stderr.
static void aci_png_on_warning(png_structp png, png_const_charp text) {
    aci_png_state *s = png_get_error_ptr(png);
    snprintf(s->warning_text, sizeof s->warning_text, "%s", text ? text : "");
}

static void aci_png_read_data(png_structp png, png_bytep data, size_t length) {
    aci_png_state *s = png_get_io_ptr(png);
    if (fread(data, 1, length, s->file) != length) {
        if (ferror(s->file)) {
            s->read_error = 1;
            png_error(png, "read error");
        }
        s->truncated = 1;
        png_error(png, "file ends early");
    }
}

static int aci_png_report(aci_png_state *s, aci_message *msg) {
    if (s->truncated) return aci_fail(msg, ACI_ERR_FORMAT, "%s: PNG file is truncated (its data ends early)", s->path);
    if (s->read_error) return aci_fail(msg, ACI_ERR_IO, "%s: read error", s->path);
    if (strstr(s->error_text, "memory")) return aci_fail(msg, ACI_ERR_MEMORY, "%s: libpng: %s", s->path, s->error_text);
    if (s->warning_text[0]) {
        return aci_fail(msg, ACI_ERR_FORMAT, "%s: corrupt PNG (libpng: %s; %s)", s->path, s->error_text, s->warning_text);
    }
    return aci_fail(msg, ACI_ERR_FORMAT, "%s: corrupt PNG (libpng: %s)", s->path, s->error_text);
}

void aci_png_close(aci_png_state *s) {
    if (!s) return;
    if (s->png) png_destroy_read_struct(&s->png, s->info ? &s->info : NULL, NULL);
    free(s->path);
    free(s);
}

int aci_png_open(FILE *file, const char *path, int64_t max_pixels, uint32_t flags, aci_png_state **out,
                 aci_image_info *info, aci_message *msg) {
    aci_png_state *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return aci_fail(msg, ACI_ERR_MEMORY, "out of memory opening %s", path);
    }
    s->file = file;
    s->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s, aci_png_on_error, aci_png_on_warning);
    if (s->png) s->info = png_create_info_struct(s->png);
    if (!s->png || !s->info) {
        aci_png_close(s);
        return aci_fail(msg, ACI_ERR_MEMORY, "out of memory opening %s", path);
    }
    png_set_read_fn(s->png, s, aci_png_read_data);
    // Our own pixel limit speaks for the size (with the right status), not libpng's 1e6 default.
    png_set_user_limits(s->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    // Ancillary chunks the decoder never uses are skipped unread: libpng allocates a known chunk's
    // declared length before reading it, so a 121-byte file declaring a 1.7 GB zTXt chunk cost
    // 1.7 GB and seconds (found by fuzz-png). What is left to buffer (PLTE, tRNS) is small, and
    // the chunk allocation limit makes any other declared length an error, not an allocation.
    static const png_byte ignored[] = "bKGD\0cHRM\0eXIf\0gAMA\0hIST\0iCCP\0iTXt\0oFFs\0pCAL\0pHYs\0"
                                      "sBIT\0sCAL\0sPLT\0sRGB\0tEXt\0tIME\0zTXt\0";
    png_set_keep_unknown_chunks(s->png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
    png_set_keep_unknown_chunks(s->png, PNG_HANDLE_CHUNK_NEVER, ignored, (int)(sizeof ignored / 5));
    png_set_chunk_malloc_max(s->png, 1u << 20);
    if (setjmp(png_jmpbuf(s->png))) {
        int rc = aci_png_report(s, msg);
        aci_png_close(s);
        return rc;
    }
    png_read_info(s->png, s->info);
    png_uint_32 width = 0, height = 0;
    int depth = 0, color = 0, interlace = 0;
    png_get_IHDR(s->png, s->info, &width, &height, &depth, &color, &interlace, NULL, NULL);
    int rc = aci_check_dimensions(path, (int64_t)width, (int64_t)height, max_pixels, msg);
    if (rc != ACI_OK) {
        aci_png_close(s);
        return rc;
    }
    uint32_t notes = 0;
    const int has_trns = png_get_valid(s->png, s->info, PNG_INFO_tRNS) != 0;
    const int has_alpha = (color & PNG_COLOR_MASK_ALPHA) || has_trns;
    const int keep_alpha = has_alpha && (flags & ACI_DECODE_KEEP_ALPHA);
    if (has_alpha && !keep_alpha) notes |= ACI_NOTE_ALPHA_DROPPED;
    if (depth == 16) notes |= ACI_NOTE_16BIT_REDUCED;
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(s->png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(s->png);
    // tRNS of gray or RGB becomes an alpha channel (palette_to_rgb already expands a palette's)
    if (keep_alpha && has_trns) png_set_tRNS_to_alpha(s->png);
    s->interlaced = interlace != PNG_INTERLACE_NONE;
    if (s->interlaced) (void)png_set_interlace_handling(s->png);
    png_read_update_info(s->png, s->info);
    s->channels = png_get_channels(s->png, s->info);
    int out_depth = png_get_bit_depth(s->png, s->info);
    s->sixteen = out_depth == 16;
    s->rowbytes = png_get_rowbytes(s->png, s->info);
    size_t expect = aci_pixel_bytes(width, 1, (int64_t)s->channels * (s->sixteen ? 2 : 1));
    if (s->channels < 1 || s->channels > 4 || (out_depth != 8 && out_depth != 16) || s->rowbytes != expect) {
        int rc2 = aci_fail(msg, ACI_ERR_UNSUPPORTED, "%s: unsupported PNG layout (%d channels of %d bits)",
                           path, s->channels, out_depth);
        aci_png_close(s);
        return rc2;
    }
    info->format = ACI_FORMAT_PNG;
    info->width = (int32_t)width;
    info->height = (int32_t)height;
    // keeping alpha, every channel libpng gives (1..4: a tRNS it ignored leaves 1 or 3)
    info->channels = keep_alpha ? s->channels : (s->channels >= 3 ? 3 : 1);
    info->notes = notes;
    *out = s;
    return ACI_OK;
}

// One libpng output row to 8-bit gray or RGB (or all its channels when out_ch = in_ch):
// extra (alpha) channels are skipped, 16-bit
// samples become round(v / 257) = (v + 128) / 257 in integers (no ties: 257 is odd).
static void aci_png_convert_row(const png_byte *row, int64_t width, int in_ch, int sixteen,
                                int out_ch, uint8_t *out) {
    for (int64_t x = 0; x < width; x++) {
        for (int c = 0; c < out_ch; c++) {
            size_t i = (size_t)x * (size_t)in_ch + (size_t)c;
            if (sixteen) {
                unsigned v = ((unsigned)row[2 * i] << 8) | row[2 * i + 1];
                out[x * out_ch + c] = (uint8_t)((v + 128u) / 257u);
            } else {
                out[x * out_ch + c] = row[i];
            }
        }
    }
}

int aci_png_read(aci_png_state *s, const aci_image_info *info, uint8_t *dst, aci_message *msg) {
    png_bytep volatile buffer = NULL;
    png_bytepp volatile rows = NULL;
    const int64_t width = info->width, height = info->height;
    const int out_ch = info->channels;
    if (setjmp(png_jmpbuf(s->png))) {
        free(buffer);
        free(rows);
        return aci_png_report(s, msg);
    }
    if (s->interlaced) {
        // Interlaced passes revisit every row, so the whole image is held in libpng's layout.
        size_t total = aci_pixel_bytes((int64_t)s->rowbytes, height, 1);
        if (total) buffer = malloc(total);
        rows = malloc(sizeof(png_bytep) * (size_t)height);
        if (!total || !buffer || !rows) {
            free(buffer);
            free(rows);
            return aci_fail(msg, ACI_ERR_MEMORY, "%s: out of memory decoding an interlaced PNG", s->path);
        }
        for (int64_t y = 0; y < height; y++) rows[y] = buffer + (size_t)y * s->rowbytes;
        png_read_image(s->png, rows);
        for (int64_t y = 0; y < height; y++) {
            aci_png_convert_row(rows[y], width, s->channels, s->sixteen, out_ch, dst + (size_t)(y * width * out_ch));
        }
    } else {
        buffer = malloc(s->rowbytes);
        if (!buffer) return aci_fail(msg, ACI_ERR_MEMORY, "%s: out of memory decoding a PNG row", s->path);
        for (int64_t y = 0; y < height; y++) {
            png_read_row(s->png, buffer, NULL);
            aci_png_convert_row(buffer, width, s->channels, s->sixteen, out_ch, dst + (size_t)(y * width * out_ch));
        }
    }
    free(buffer);
    free(rows);
    return ACI_OK;
}
