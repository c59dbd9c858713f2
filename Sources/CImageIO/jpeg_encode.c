// JPEG output (files, written atomically) and the in-memory JPEG round trip used as the JPEG
// degradation. Both use libjpeg's defaults: standard tables scaled by jpeg_set_quality with
// force_baseline (what PIL, OpenCV and MATLAB's imwrite do), ISLOW DCT, 4:2:0 for RGB.
#include "jpeg_errors.h"
#include <stdlib.h>
#include <string.h>

// A growable in-memory destination we own, so an error never leaves libjpeg holding our buffer.
typedef struct {
    struct jpeg_destination_mgr pub;
    unsigned char *buffer;
    size_t capacity;
    size_t length;
} aci_memory_dest;

static void aci_dest_init(j_compress_ptr c) {
    aci_memory_dest *d = (aci_memory_dest *)c->dest;
    d->pub.next_output_byte = d->buffer;
    d->pub.free_in_buffer = d->capacity;
}

static boolean aci_dest_grow(j_compress_ptr c) {
    aci_memory_dest *d = (aci_memory_dest *)c->dest;
    size_t old = d->capacity;
    if (old > SIZE_MAX / 2) ERREXIT1(c, JERR_OUT_OF_MEMORY, 10);
    unsigned char *grown = realloc(d->buffer, old * 2);
    if (!grown) ERREXIT1(c, JERR_OUT_OF_MEMORY, 10);
    d->buffer = grown;
    d->capacity = old * 2;
    d->pub.next_output_byte = grown + old;
    d->pub.free_in_buffer = old;
    return TRUE;
}

static void aci_dest_term(j_compress_ptr c) {
    aci_memory_dest *d = (aci_memory_dest *)c->dest;
    d->length = d->capacity - d->pub.free_in_buffer;
}

typedef struct {
    struct jpeg_compress_struct c;
    struct jpeg_decompress_struct d;
    aci_jpeg_error error;
    aci_jpeg_progress progress;
    aci_memory_dest dest;
    aci_atomic_file file;
    int c_created, d_created;
} aci_jpeg_job;

static void aci_jpeg_job_free(aci_jpeg_job *j) {
    if (j->c_created) jpeg_destroy_compress(&j->c);
    if (j->d_created) jpeg_destroy_decompress(&j->d);
    free(j->dest.buffer);
    aci_atomic_abort(&j->file);
    free(j);
}

// Compresses pixels with j->c, whose destination is already set.
static void aci_jpeg_compress(aci_jpeg_job *j, const uint8_t *pixels, int32_t width, int32_t height,
                              int32_t channels, int32_t quality) {
    j->c.image_width = (JDIMENSION)width;
    j->c.image_height = (JDIMENSION)height;
    j->c.input_components = channels;
    j->c.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&j->c);
    jpeg_set_quality(&j->c, quality, TRUE);
    jpeg_start_compress(&j->c, TRUE);
    const size_t stride = (size_t)width * (size_t)channels;
    while (j->c.next_scanline < j->c.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)j->c.next_scanline * stride);
        jpeg_write_scanlines(&j->c, &row, 1);
    }
    jpeg_finish_compress(&j->c);
}

static int aci_jpeg_check(const uint8_t *pixels, int32_t width, int32_t height, int32_t channels,
                          int32_t quality, aci_message *msg) {
    if (!pixels) return aci_fail(msg, ACI_ERR_INVALID, "pixels are NULL");
    if (width <= 0 || height <= 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION) {
        return aci_fail(msg, ACI_ERR_INVALID, "a JPEG image must be 1..%d pixels on each side, got %d x %d",
                        (int)JPEG_MAX_DIMENSION, width, height);
    }
    if (channels == 2 || channels == 4) {
        return aci_fail(msg, ACI_ERR_UNSUPPORTED, "JPEG has no alpha channel: a %d-channel image needs PNG (or drop its alpha)", channels);
    }
    if (channels != 1 && channels != 3) return aci_fail(msg, ACI_ERR_INVALID, "JPEG needs 1 or 3 channels, got %d", channels);
    if (quality < 1 || quality > 100) return aci_fail(msg, ACI_ERR_INVALID, "JPEG quality must be 1..100, got %d", quality);
    return ACI_OK;
}

int aci_jpeg_write(const char *path, const uint8_t *pixels, int32_t width, int32_t height,
                   int32_t channels, int32_t quality, aci_message *msg) {
    if (!path) return aci_fail(msg, ACI_ERR_INVALID, "path is NULL");
    int rc = aci_jpeg_check(pixels, width, height, channels, quality, msg);
    if (rc != ACI_OK) return rc;
    aci_jpeg_job *j = calloc(1, sizeof *j);
    if (!j) return aci_fail(msg, ACI_ERR_MEMORY, "out of memory writing %s", path);
    rc = aci_atomic_open(&j->file, path, msg);
    if (rc != ACI_OK) {
        free(j);
        return rc;
    }
    j->c.err = aci_jpeg_error_init(&j->error);
    if (setjmp(j->error.jump)) {
        rc = aci_fail(msg, j->error.code == ACI_ERR_FORMAT ? ACI_ERR_IO : j->error.code,
                      "cannot write %s (libjpeg: %s)", path, j->error.text);
        aci_jpeg_job_free(j);
        return rc;
    }
    jpeg_create_compress(&j->c);
    j->c_created = 1;
    jpeg_stdio_dest(&j->c, j->file.file);
    aci_jpeg_compress(j, pixels, width, height, channels, quality);
    jpeg_destroy_compress(&j->c);
    j->c_created = 0;
    rc = aci_atomic_commit(&j->file, msg);
    free(j);
    return rc;
}

int aci_jpeg_round_trip(const uint8_t *src, int32_t width, int32_t height, int32_t channels,
                        int32_t quality, uint8_t *dst, aci_message *msg) {
    int rc = aci_jpeg_check(src, width, height, channels, quality, msg);
    if (rc != ACI_OK) return rc;
    if (!dst) return aci_fail(msg, ACI_ERR_INVALID, "output pixels are NULL");
    aci_jpeg_job *j = calloc(1, sizeof *j);
    if (!j) return aci_fail(msg, ACI_ERR_MEMORY, "out of memory for the JPEG round trip");
    j->dest.capacity = 65536;
    j->dest.buffer = malloc(j->dest.capacity);
    if (!j->dest.buffer) {
        free(j);
        return aci_fail(msg, ACI_ERR_MEMORY, "out of memory for the JPEG round trip");
    }
    j->c.err = aci_jpeg_error_init(&j->error);
    j->d.err = &j->error.pub;
    aci_jpeg_progress_init(&j->progress, &j->error);
    if (setjmp(j->error.jump)) {
        rc = aci_fail(msg, j->error.code == ACI_ERR_FORMAT ? ACI_ERR_INTERNAL : j->error.code,
                      "JPEG round trip failed (libjpeg: %s)", j->error.text);
        aci_jpeg_job_free(j);
        return rc;
    }
    jpeg_create_compress(&j->c);
    j->c_created = 1;
    j->dest.pub.init_destination = aci_dest_init;
    j->dest.pub.empty_output_buffer = aci_dest_grow;
    j->dest.pub.term_destination = aci_dest_term;
    j->c.dest = &j->dest.pub;
    aci_jpeg_compress(j, src, width, height, channels, quality);

    jpeg_create_decompress(&j->d);
    j->d_created = 1;
    j->d.progress = &j->progress.pub;
    jpeg_mem_src(&j->d, j->dest.buffer, (unsigned long)j->dest.length);
    jpeg_read_header(&j->d, TRUE);
    j->d.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&j->d);
    if (j->d.output_width != (JDIMENSION)width || j->d.output_height != (JDIMENSION)height ||
        j->d.output_components != channels) {
        aci_jpeg_job_free(j);
        return aci_fail(msg, ACI_ERR_INTERNAL, "JPEG round trip changed the image size");
    }
    const size_t stride = (size_t)width * (size_t)channels;
    while (j->d.output_scanline < j->d.output_height) {
        JSAMPROW row = dst + (size_t)j->d.output_scanline * stride;
        jpeg_read_scanlines(&j->d, &row, 1);
    }
    jpeg_finish_decompress(&j->d);
    aci_jpeg_job_free(j);
    return ACI_OK;
}
