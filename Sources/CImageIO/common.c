#include "internal.h"
#include <png.h>
#include <jpeglib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *aci_libpng_version(void) { return PNG_LIBPNG_VER_STRING; }

#define ACI_STR2(x) #x
#define ACI_STR(x) ACI_STR2(x)
const char *aci_libjpeg_version(void) { return "libjpeg API " ACI_STR(JPEG_LIB_VERSION); }

int aci_fail(aci_message *msg, int code, const char *format, ...) {
    if (msg) {
        va_list args;
        va_start(args, format);
        vsnprintf(msg->text, sizeof msg->text, format, args);
        va_end(args);
    }
    return code;
}

size_t aci_pixel_bytes(int64_t width, int64_t height, int64_t channels) {
    if (width <= 0 || height <= 0 || channels <= 0) return 0;
    size_t n = 0;
    if (__builtin_mul_overflow((size_t)width, (size_t)height, &n)) return 0;
    if (__builtin_mul_overflow(n, (size_t)channels, &n)) return 0;
    return n;
}

int aci_check_dimensions(const char *path, int64_t width, int64_t height, int64_t max_pixels,
                         aci_message *msg) {
    if (width <= 0 || height <= 0) {
        return aci_fail(msg, ACI_ERR_FORMAT, "%s: image has zero size (%lld x %lld)", path,
                        (long long)width, (long long)height);
    }
    // Both factors are below 2^32 (PNG and JPEG store 32- and 16-bit sizes), so no overflow.
    int64_t pixels = width * height;
    if (pixels > max_pixels) {
        return aci_fail(msg, ACI_ERR_MEMORY,
                        "%s: image is %lld x %lld = %lld pixels, over the limit of %lld pixels",
                        path, (long long)width, (long long)height, (long long)pixels,
                        (long long)max_pixels);
    }
    return ACI_OK;
}

int aci_open_regular(const char *path, FILE **out, aci_message *msg) {
    // O_NONBLOCK: without it, opening a FIFO waits for a writer (forever). It has no effect on
    // the regular files accepted here.
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return aci_fail(msg, ACI_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return aci_fail(msg, ACI_ERR_IO, "cannot read %s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return aci_fail(msg, ACI_ERR_IO, "cannot read %s: %s", path,
                        S_ISDIR(st.st_mode) ? "it is a directory" : "it is not a regular file");
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        return aci_fail(msg, ACI_ERR_IO, "cannot open %s: %s", path, strerror(e));
    }
    *out = f;
    return ACI_OK;
}
