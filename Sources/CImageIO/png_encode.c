// 8-bit gray, gray + alpha, RGB or RGBA PNG output, written atomically (see atomic_file.c).
#include "internal.h"
#include <png.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    png_structp png;
    png_infop info;
    aci_atomic_file file;
    char error_text[200];
} aci_png_writer;

static void aci_png_write_error(png_structp png, png_const_charp text) {
    aci_png_writer *w = png_get_error_ptr(png);
    snprintf(w->error_text, sizeof w->error_text, "%s", text ? text : "unknown error");
    png_longjmp(png, 1);
}

static void aci_png_write_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void aci_png_writer_free(aci_png_writer *w) {
    if (w->png) png_destroy_write_struct(&w->png, w->info ? &w->info : NULL);
    aci_atomic_abort(&w->file);
    free(w);
}

int aci_png_write(const char *path, const uint8_t *pixels, int32_t width, int32_t height,
                  int32_t channels, aci_message *msg) {
    if (!path || !pixels) return aci_fail(msg, ACI_ERR_INVALID, "NULL argument to aci_png_write");
    if (width <= 0 || height <= 0 || channels < 1 || channels > 4) {
        return aci_fail(msg, ACI_ERR_INVALID, "cannot write a %d x %d image with %d channels", width, height, channels);
    }
    // State lives on the heap so that nothing the longjmp path reads is a modified local.
    aci_png_writer *w = calloc(1, sizeof *w);
    if (!w) return aci_fail(msg, ACI_ERR_MEMORY, "out of memory writing %s", path);
    int rc = aci_atomic_open(&w->file, path, msg);
    if (rc != ACI_OK) {
        free(w);
        return rc;
    }
    w->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, w, aci_png_write_error, aci_png_write_warning);
    if (w->png) w->info = png_create_info_struct(w->png);
    if (!w->png || !w->info) {
        aci_png_writer_free(w);
        return aci_fail(msg, ACI_ERR_MEMORY, "out of memory writing %s", path);
    }
    if (setjmp(png_jmpbuf(w->png))) {
        rc = aci_fail(msg, ACI_ERR_IO, "cannot write %s (libpng: %s)", path, w->error_text);
        aci_png_writer_free(w);
        return rc;
    }
    png_init_io(w->png, w->file.file);
    png_set_IHDR(w->png, w->info, (png_uint_32)width, (png_uint_32)height, 8,
                 channels == 1 ? PNG_COLOR_TYPE_GRAY : channels == 2 ? PNG_COLOR_TYPE_GRAY_ALPHA
                 : channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(w->png, w->info);
    const size_t stride = (size_t)width * (size_t)channels;
    for (int32_t y = 0; y < height; y++) png_write_row(w->png, pixels + (size_t)y * stride);
    png_write_end(w->png, NULL);
    png_destroy_write_struct(&w->png, &w->info);
    rc = aci_atomic_commit(&w->file, msg);
    free(w);
    return rc;
}
