// JPEG decoding through libjpeg-turbo: grayscale and YCbCr/RGB files to 8-bit gray or RGB.
// CMYK/YCCK and other colour spaces are refused; damaged or truncated data is an error (libjpeg
// itself would only warn and fill the rest with gray); endless progressive scans are refused.
#include "jpeg_errors.h"
#include <stdlib.h>
#include <string.h>

struct aci_jpeg_state {
    struct jpeg_decompress_struct cinfo;
    aci_jpeg_error error;
    aci_jpeg_progress progress;
    int created;
    char *path;
};

static int aci_jpeg_report(aci_jpeg_state *s, aci_message *msg) {
    if (s->error.corrupt_warning) {
        return aci_fail(msg, ACI_ERR_FORMAT, "%s: corrupt or truncated JPEG (libjpeg: %s; %s)", s->path,
                        s->error.text, s->error.warning);
    }
    if (s->error.code == ACI_ERR_FORMAT) {
        return aci_fail(msg, ACI_ERR_FORMAT, "%s: corrupt JPEG (libjpeg: %s)", s->path, s->error.text);
    }
    return aci_fail(msg, s->error.code, "%s: %s", s->path, s->error.text);
}

void aci_jpeg_close(aci_jpeg_state *s) {
    if (!s) return;
    if (s->created) jpeg_destroy_decompress(&s->cinfo);
    free(s->path);
    free(s);
}

int aci_jpeg_open(FILE *file, const char *path, int64_t max_pixels, aci_jpeg_state **out,
                  aci_image_info *info, aci_message *msg) {
    aci_jpeg_state *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return aci_fail(msg, ACI_ERR_MEMORY, "out of memory opening %s", path);
    }
    s->cinfo.err = aci_jpeg_error_init(&s->error);
    aci_jpeg_progress_init(&s->progress, &s->error);
    if (setjmp(s->error.jump)) {
        int rc = aci_jpeg_report(s, msg);
        aci_jpeg_close(s);
        return rc;
    }
    jpeg_create_decompress(&s->cinfo);
    s->created = 1;
    s->cinfo.progress = &s->progress.pub;
    jpeg_stdio_src(&s->cinfo, file);
    if (jpeg_read_header(&s->cinfo, TRUE) != JPEG_HEADER_OK) {
        aci_jpeg_close(s);
        return aci_fail(msg, ACI_ERR_FORMAT, "%s: JPEG holds no image (tables only)", path);
    }
    int rc = aci_check_dimensions(path, s->cinfo.image_width, s->cinfo.image_height, max_pixels, msg);
    if (rc != ACI_OK) {
        aci_jpeg_close(s);
        return rc;
    }
    int channels;
    switch (s->cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
        s->cinfo.out_color_space = JCS_GRAYSCALE;
        channels = 1;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        s->cinfo.out_color_space = JCS_RGB;
        channels = 3;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        aci_jpeg_close(s);
        return aci_fail(msg, ACI_ERR_UNSUPPORTED, "%s: CMYK/YCCK JPEG is not supported (convert it to RGB)", path);
    default:
        rc = aci_fail(msg, ACI_ERR_UNSUPPORTED, "%s: JPEG with %d components in an unknown colour space is not supported",
                      path, s->cinfo.num_components);
        aci_jpeg_close(s);
        return rc;
    }
    info->format = ACI_FORMAT_JPEG;
    info->width = (int32_t)s->cinfo.image_width;
    info->height = (int32_t)s->cinfo.image_height;
    info->channels = channels;
    info->notes = 0;
    *out = s;
    return ACI_OK;
}

int aci_jpeg_read(aci_jpeg_state *s, const aci_image_info *info, uint8_t *dst, aci_message *msg) {
    if (setjmp(s->error.jump)) return aci_jpeg_report(s, msg);
    jpeg_start_decompress(&s->cinfo);
    if ((int64_t)s->cinfo.output_width != info->width || (int64_t)s->cinfo.output_height != info->height ||
        s->cinfo.output_components != info->channels) {
        return aci_fail(msg, ACI_ERR_INTERNAL, "%s: libjpeg output %ux%ux%d differs from the header", s->path,
                        s->cinfo.output_width, s->cinfo.output_height, s->cinfo.output_components);
    }
    const size_t stride = (size_t)info->width * (size_t)info->channels;
    while (s->cinfo.output_scanline < s->cinfo.output_height) {
        JSAMPROW row = dst + (size_t)s->cinfo.output_scanline * stride;
        if (jpeg_read_scanlines(&s->cinfo, &row, 1) != 1) {
            return aci_fail(msg, ACI_ERR_FORMAT, "%s: JPEG decoding stalled at row %u", s->path, s->cinfo.output_scanline);
        }
    }
    if (s->error.corrupt_warning) {
        return aci_fail(msg, ACI_ERR_FORMAT, "%s: corrupt or truncated JPEG (libjpeg: %s)", s->path, s->error.warning);
    }
    return ACI_OK;
}
