// Opens an image file, recognises PNG or JPEG by its signature and hands over to the codec.
#include "internal.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct aci_decoder {
    FILE *file;
    aci_image_info info;
    aci_png_state *png;
    aci_jpeg_state *jpeg;
    char *path;
};

int aci_decoder_open(const char *path, int64_t max_pixels, uint32_t flags, aci_decoder **out,
                     aci_image_info *info, aci_message *msg) {
    if (!path || !out || !info) return aci_fail(msg, ACI_ERR_INVALID, "NULL argument to aci_decoder_open");
    if (flags & ~(uint32_t)ACI_DECODE_KEEP_ALPHA) return aci_fail(msg, ACI_ERR_INVALID, "unknown decoding flags 0x%x", flags);
    if (max_pixels < 1) return aci_fail(msg, ACI_ERR_INVALID, "pixel limit %lld is not positive", (long long)max_pixels);
    FILE *f = NULL;
    int opened = aci_open_regular(path, &f, msg);
    if (opened != ACI_OK) return opened;
    unsigned char sig[8];
    size_t got = fread(sig, 1, sizeof sig, f);
    if (got == 0) {
        fclose(f);
        return aci_fail(msg, ACI_ERR_FORMAT, "%s: file is empty", path);
    }
    if (fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return aci_fail(msg, ACI_ERR_IO, "cannot read %s: %s", path, strerror(errno));
    }
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    int is_png = got == 8 && memcmp(sig, png_sig, 8) == 0;
    int is_jpeg = got >= 3 && sig[0] == 0xFF && sig[1] == 0xD8 && sig[2] == 0xFF;
    if (!is_png && !is_jpeg) {
        fclose(f);
        return aci_fail(msg, ACI_ERR_FORMAT, "%s: not a PNG or JPEG file (unrecognised signature)", path);
    }
    aci_decoder *d = calloc(1, sizeof *d);
    char *copy = strdup(path);
    if (!d || !copy) {
        free(d);
        free(copy);
        fclose(f);
        return aci_fail(msg, ACI_ERR_MEMORY, "out of memory opening %s", path);
    }
    d->file = f;
    d->path = copy;
    aci_image_info local;
    memset(&local, 0, sizeof local);
    int rc = is_png ? aci_png_open(f, path, max_pixels, flags, &d->png, &local, msg)
                    : aci_jpeg_open(f, path, max_pixels, &d->jpeg, &local, msg);
    if (rc != ACI_OK) {
        aci_decoder_close(d);
        return rc;
    }
    d->info = local;
    *info = local;
    *out = d;
    return ACI_OK;
}

int aci_decoder_read(aci_decoder *d, uint8_t *dst, size_t len, aci_message *msg) {
    if (!d || !dst) return aci_fail(msg, ACI_ERR_INVALID, "NULL argument to aci_decoder_read");
    size_t need = aci_pixel_bytes(d->info.width, d->info.height, d->info.channels);
    if (need == 0 || len < need) {
        return aci_fail(msg, ACI_ERR_INVALID, "%s: pixel buffer of %zu bytes, need %zu", d->path, len, need);
    }
    if (d->png) return aci_png_read(d->png, &d->info, dst, msg);
    if (d->jpeg) return aci_jpeg_read(d->jpeg, &d->info, dst, msg);
    return aci_fail(msg, ACI_ERR_INTERNAL, "%s: decoder has no codec", d->path);
}

void aci_decoder_close(aci_decoder *d) {
    if (!d) return;
    aci_png_close(d->png);
    aci_jpeg_close(d->jpeg);
    if (d->file) fclose(d->file);
    free(d->path);
    free(d);
}
