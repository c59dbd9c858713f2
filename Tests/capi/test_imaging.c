/* Images, degradations and metrics through the C interface, including every error path. */
#define _POSIX_C_SOURCE 200809L
#include <acla.h>
#include <math.h> /* macros only (NAN, INFINITY): the test links no libm */
#include <stdint.h>
#include <unistd.h>
#include <sys/stat.h>
#include "check.h"

#define FIX "Tests/AclaTests/Fixtures/"

static char tmpdir[256];

/* libm-free helpers (pkg-config's flags do not link libm). */
static double dabs(double x) { return x < 0 ? -x : x; }
static double round_half_up(double x) { return (double)(long long)(x + 0.5); } /* x >= 0 */
#define PSNR_10_20 28.130803608679106 /* 10 log10(255^2 / 100): images 10 apart everywhere */

static const char *tmp(const char *name) {
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static void write_bytes(const char *path, const unsigned char *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) { perror(path); exit(2); }
    if (n) fwrite(data, 1, n, f);
    fclose(f);
}

static size_t read_bytes(const char *path, unsigned char *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static uint32_t crc32_of(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static size_t put32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16); p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
    return 4;
}

/* A PNG declaring width x height (valid CRCs) with a token IDAT. */
static size_t png_header(unsigned char *out, uint32_t width, uint32_t height) {
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const unsigned char idat[12] = {'I', 'D', 'A', 'T', 0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01};
    size_t n = 0;
    memcpy(out, sig, 8); n += 8;
    n += put32(out + n, 13);
    unsigned char *ihdr = out + n;
    memcpy(out + n, "IHDR", 4); n += 4;
    n += put32(out + n, width); n += put32(out + n, height);
    out[n++] = 8; out[n++] = 2; out[n++] = 0; out[n++] = 0; out[n++] = 0;
    n += put32(out + n, crc32_of(ihdr, 17));
    n += put32(out + n, 8);
    memcpy(out + n, idat, 12);
    n += 12;
    n += put32(out + n, crc32_of(idat, 12));
    n += put32(out + n, 0);
    memcpy(out + n, "IEND", 4); n += 4;
    n += put32(out + n, crc32_of((const unsigned char *)"IEND", 4));
    return n;
}

static size_t segment(unsigned char *out, unsigned char marker, const unsigned char *body, size_t n) {
    out[0] = 0xFF; out[1] = marker; out[2] = (unsigned char)((n + 2) >> 8); out[3] = (unsigned char)(n + 2);
    memcpy(out + 4, body, n);
    return n + 4;
}

/* An 8x8 gray progressive JPEG repeating its DC scan `scans` times. */
static size_t endless_scans_jpeg(unsigned char *out, int scans) {
    unsigned char dqt[65] = {0}, dht[18] = {0};
    memset(dqt + 1, 1, 64);
    dht[1] = 1;
    static const unsigned char sof[9] = {8, 0, 8, 0, 8, 1, 1, 0x11, 0}, sos[6] = {1, 1, 0, 0, 0, 0};
    size_t n = 0;
    out[n++] = 0xFF; out[n++] = 0xD8;
    n += segment(out + n, 0xDB, dqt, sizeof dqt);
    n += segment(out + n, 0xC2, sof, sizeof sof);
    n += segment(out + n, 0xC4, dht, sizeof dht);
    for (int i = 0; i < scans; i++) {
        n += segment(out + n, 0xDA, sos, sizeof sos);
        out[n++] = 0x7F;
    }
    out[n++] = 0xFF; out[n++] = 0xD9;
    return n;
}

static void expect_read_error(const char *name, const unsigned char *data, size_t n, acla_status status, const char *text) {
    const char *path = tmp(name);
    write_bytes(path, data, n);
    uint8_t buf[4096];
    int32_t c = -1, h = -1, w = -1;
    acla_status s = acla_image_read(path, buf, sizeof buf, &c, &h, &w, NULL);
    if (s != status || !strstr(acla_last_error_message(), text) || !strstr(acla_last_error_message(), name)) {
        fprintf(stderr, "%s: status %d (expected %d), message '%s' (expected '%s')\n", name, s, status, acla_last_error_message(), text);
        check_failures++;
    }
    CHECK(c == -1 && h == -1 && w == -1); /* out-parameters untouched on failure */
    unlink(path);
}

static void test_files(void) {
    int32_t fmt = 0, c = 0, h = 0, w = 0;
    uint32_t notes = 99;
    CHECK_STATUS(acla_image_info(FIX "photo_rgba.png", &fmt, &c, &h, &w, &notes), ACLA_OK);
    CHECK(fmt == ACLA_IMAGE_FORMAT_PNG && c == 3 && h == 24 && w == 32 && notes == ACLA_IMAGE_NOTE_ALPHA_DROPPED);
    CHECK_STATUS(acla_image_info(FIX "photo_gray.jpg", &fmt, &c, &h, &w, NULL), ACLA_OK);
    CHECK(fmt == ACLA_IMAGE_FORMAT_JPEG && c == 1);
    CHECK_STATUS(acla_image_info(NULL, &fmt, &c, &h, &w, NULL), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_image_info(FIX "photo_rgb.png", NULL, NULL, &h, &w, NULL), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("channels");
    CHECK_STATUS(acla_image_info("no/such/file.png", &fmt, &c, &h, &w, NULL), ACLA_ERR_IO);
    CHECK_MESSAGE_HAS("no/such/file.png");

    static uint8_t rgb[24 * 32 * 3], rgba[24 * 32 * 3], back[24 * 32 * 3], small[10];
    CHECK_STATUS(acla_image_read(FIX "photo_rgb.png", rgb, sizeof rgb, &c, &h, &w, NULL), ACLA_OK);
    CHECK_STATUS(acla_image_read(FIX "photo_rgba.png", rgba, sizeof rgba, &c, &h, &w, &notes), ACLA_OK);
    CHECK(notes == ACLA_IMAGE_NOTE_ALPHA_DROPPED && memcmp(rgb, rgba, sizeof rgb) == 0);
    CHECK_STATUS(acla_image_read(FIX "photo_rgb16.png", back, sizeof back, &c, &h, &w, &notes), ACLA_OK);
    CHECK(notes == ACLA_IMAGE_NOTE_16BIT_REDUCED && memcmp(rgb, back, sizeof rgb) == 0);
    CHECK_STATUS(acla_image_read(FIX "photo_rgb.png", small, sizeof small, &c, &h, &w, NULL), ACLA_ERR_SHAPE);
    CHECK_MESSAGE_HAS("2304");
    CHECK_STATUS(acla_image_read(FIX "photo_rgb.png", NULL, sizeof rgb, &c, &h, &w, NULL), ACLA_ERR_INVALID_ARGUMENT);

    /* Write and read back; a failed write leaves an existing file alone. */
    CHECK_STATUS(acla_image_write(tmp("a.png"), rgb, sizeof rgb, 3, 24, 32, 0), ACLA_OK);
    memset(back, 0, sizeof back);
    CHECK_STATUS(acla_image_read(tmp("a.png"), back, sizeof back, &c, &h, &w, NULL), ACLA_OK);
    CHECK(memcmp(rgb, back, sizeof rgb) == 0);
    CHECK_STATUS(acla_image_write(tmp("a.jpg"), rgb, sizeof rgb, 3, 24, 32, 90), ACLA_OK);
    CHECK_STATUS(acla_image_read(tmp("a.jpg"), back, sizeof back, &c, &h, &w, NULL), ACLA_OK);
    static uint8_t trip[24 * 32 * 3];
    CHECK_STATUS(acla_degrade_jpeg(rgb, trip, sizeof rgb, 3, 24, 32, 90), ACLA_OK);
    CHECK(memcmp(trip, back, sizeof rgb) == 0);
    write_bytes(tmp("keep.png"), (const unsigned char *)"precious", 8);
    CHECK_STATUS(acla_image_write(tmp("keep.png"), rgb, sizeof rgb - 1, 3, 24, 32, 0), ACLA_ERR_SHAPE);
    CHECK_STATUS(acla_image_write(tmp("keep.png"), rgb, sizeof rgb, 5, 24, 32, 0), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_image_write(tmp("keep.png"), rgb, sizeof rgb, 2, 24, 32, 0), ACLA_ERR_SHAPE);
    CHECK_STATUS(acla_image_write(tmp("keep.png"), rgb, sizeof rgb, 3, 24, 32, 101), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_image_write(tmp("keep.bmp"), rgb, sizeof rgb, 3, 24, 32, 0), ACLA_ERR_UNSUPPORTED);
    CHECK_STATUS(acla_image_write(tmp("none/x.png"), rgb, sizeof rgb, 3, 24, 32, 0), ACLA_ERR_IO);
    unsigned char kept[16];
    CHECK(read_bytes(tmp("keep.png"), kept, sizeof kept) == 8 && memcmp(kept, "precious", 8) == 0);
    unlink(tmp("keep.png"));
    unlink(tmp("a.png"));
    unlink(tmp("a.jpg"));

    /* Keeping alpha: RGBA and gray + alpha PNGs decode to 4 and 2 channels (the colour as without
     * the flag), write back as PNG bit for bit, and JPEG refuses them. */
    static uint8_t rgba4[24 * 32 * 4], again[24 * 32 * 4], gray[24 * 32], ga[24 * 32 * 2];
    notes = 99;
    CHECK_STATUS(acla_image_info_ex(FIX "photo_rgba.png", ACLA_IMAGE_READ_KEEP_ALPHA, &fmt, &c, &h, &w, &notes), ACLA_OK);
    CHECK(c == 4 && h == 24 && w == 32 && notes == 0);
    CHECK_STATUS(acla_image_read_ex(FIX "photo_rgba.png", ACLA_IMAGE_READ_KEEP_ALPHA, rgba4, sizeof rgba4 - 1, &c, &h, &w, NULL), ACLA_ERR_SHAPE);
    CHECK_STATUS(acla_image_read_ex(FIX "photo_rgba.png", ACLA_IMAGE_READ_KEEP_ALPHA, rgba4, sizeof rgba4, &c, &h, &w, &notes), ACLA_OK);
    CHECK(c == 4 && notes == 0);
    int same_rgb = 1, alpha_varies = 0;
    for (int i = 0; i < 24 * 32; i++) {
        same_rgb &= memcmp(rgba4 + 4 * i, rgb + 3 * i, 3) == 0;
        alpha_varies |= rgba4[4 * i + 3] != rgba4[3];
    }
    CHECK(same_rgb && alpha_varies);
    CHECK_STATUS(acla_image_write(tmp("a4.png"), rgba4, sizeof rgba4, 4, 24, 32, 0), ACLA_OK);
    CHECK_STATUS(acla_image_read_ex(tmp("a4.png"), ACLA_IMAGE_READ_KEEP_ALPHA, again, sizeof again, &c, &h, &w, NULL), ACLA_OK);
    CHECK(c == 4 && memcmp(rgba4, again, sizeof rgba4) == 0);
    CHECK_STATUS(acla_image_write(tmp("a4.jpg"), rgba4, sizeof rgba4, 4, 24, 32, 0), ACLA_ERR_UNSUPPORTED);
    CHECK_MESSAGE_HAS("alpha");
    CHECK_STATUS(acla_image_read(FIX "photo_gray.png", gray, sizeof gray, &c, &h, &w, NULL), ACLA_OK);
    CHECK_STATUS(acla_image_read_ex(FIX "photo_gray_alpha.png", ACLA_IMAGE_READ_KEEP_ALPHA, ga, sizeof ga, &c, &h, &w, NULL), ACLA_OK);
    CHECK(c == 2);
    CHECK_STATUS(acla_image_read_ex(FIX "photo_rgb.png", ACLA_IMAGE_READ_KEEP_ALPHA, again, sizeof again, &c, &h, &w, &notes), ACLA_OK);
    CHECK(c == 3 && notes == 0 && memcmp(again, rgb, sizeof rgb) == 0);
    CHECK_STATUS(acla_image_read_ex(FIX "photo_rgb.png", 2, again, sizeof again, &c, &h, &w, NULL), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("flags");
    unlink(tmp("a4.png"));

    /* Hostile files: clear errors, never a crash. */
    static unsigned char png[8192], jpg[8192], buf[8192];
    size_t np = read_bytes(FIX "photo_rgb.png", png, sizeof png), nj = read_bytes(FIX "photo_rgb.jpg", jpg, sizeof jpg);
    expect_read_error("empty.png", png, 0, ACLA_ERR_FORMAT, "empty");
    expect_read_error("text.png", (const unsigned char *)"hello, world", 12, ACLA_ERR_FORMAT, "not a PNG or JPEG");
    expect_read_error("truncated.png", png, np / 2, ACLA_ERR_FORMAT, "truncated");
    expect_read_error("truncated.jpg", jpg, nj / 2, ACLA_ERR_FORMAT, "truncated");
    expect_read_error("zero.png", buf, png_header(buf, 0, 9), ACLA_ERR_FORMAT, "zero");
    expect_read_error("huge.png", buf, png_header(buf, 100000, 100000), ACLA_ERR_OUT_OF_MEMORY, "over the limit");
    expect_read_error("scans.jpg", buf, endless_scans_jpeg(buf, 300), ACLA_ERR_FORMAT, "scans");

    /* The pixel limit. */
    CHECK(acla_image_get_pixel_limit() == 100000000);
    CHECK_STATUS(acla_image_set_pixel_limit(0), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_image_set_pixel_limit(32 * 24 - 1), ACLA_OK);
    CHECK_STATUS(acla_image_read(FIX "photo_rgb.png", back, sizeof back, &c, &h, &w, NULL), ACLA_ERR_OUT_OF_MEMORY);
    CHECK_MESSAGE_HAS("767");
    CHECK_STATUS(acla_image_set_pixel_limit(100000000), ACLA_OK);
}

static void test_degradations(void) {
    int32_t oh = 0, ow = 0;
    CHECK_STATUS(acla_resize_output_size(255, 510, 1.0 / 3.0, &oh, &ow), ACLA_OK);
    CHECK(oh == 85 && ow == 170);
    CHECK_STATUS(acla_resize_output_size(10, 10, 0.0, &oh, &ow), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_resize_output_size(10, 10, NAN, &oh, &ow), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_resize_output_size(10, 10, 0.5, NULL, &ow), ACLA_ERR_INVALID_ARGUMENT);

    static uint8_t img[12 * 10 * 3], out[6 * 5 * 3], big[24 * 20 * 3];
    for (size_t i = 0; i < sizeof img; i++) img[i] = (uint8_t)((i * 37 + i / 7) & 255);
    CHECK_STATUS(acla_resize_bicubic(img, sizeof img, 3, 12, 10, 0.5, ACLA_BOUNDARY_SYMMETRIC, out, sizeof out), ACLA_OK);
    CHECK_STATUS(acla_resize_bicubic(img, sizeof img, 3, 12, 10, 0.5, ACLA_BOUNDARY_REPLICATE, out, sizeof out - 1), ACLA_ERR_SHAPE);
    CHECK_MESSAGE_HAS("dst_len");
    CHECK_STATUS(acla_resize_bicubic(img, sizeof img, 3, 12, 10, 0.5, 2, out, sizeof out), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("boundary");
    CHECK_STATUS(acla_resize_bicubic(img, sizeof img, 3, 12, 10, 2.0, ACLA_BOUNDARY_SYMMETRIC, big, sizeof big), ACLA_OK);
    CHECK_STATUS(acla_resize_bicubic(NULL, sizeof img, 3, 12, 10, 0.5, 0, out, sizeof out), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_resize_bicubic(img, sizeof img, 3, INT32_MAX, INT32_MAX, 0.5, 0, out, sizeof out), ACLA_ERR_OUT_OF_MEMORY);
    CHECK_STATUS(acla_resize_bicubic(img, sizeof img, 3, -12, 10, 0.5, 0, out, sizeof out), ACLA_ERR_INVALID_ARGUMENT);
    /* A flat image stays flat at any scale (weights sum to 1), in both paths. */
    static uint8_t flat[12 * 10], flat_out[18 * 15];
    memset(flat, 77, sizeof flat);
    CHECK_STATUS(acla_resize_bicubic(flat, sizeof flat, 1, 12, 10, 1.5, ACLA_BOUNDARY_REPLICATE, flat_out, sizeof flat_out), ACLA_OK);
    int flat_ok = 1;
    for (size_t i = 0; i < sizeof flat_out; i++) flat_ok &= flat_out[i] == 77;
    CHECK(flat_ok);
    float fin[12 * 10], fout[6 * 5];
    for (int i = 0; i < 120; i++) fin[i] = 12.5f;
    CHECK_STATUS(acla_resize_bicubic_f32(fin, 120, 1, 12, 10, 0.5, ACLA_BOUNDARY_SYMMETRIC, fout, 30), ACLA_OK);
    CHECK(dabs(fout[7] - 12.5) < 1e-4);

    uint8_t crop[12 * 8 * 3];
    CHECK_STATUS(acla_modcrop(img, sizeof img, 3, 12, 10, 4, crop, sizeof crop), ACLA_OK); /* 12 x 10 -> 12 x 8 */
    CHECK(memcmp(crop, img, 8 * 3) == 0 && memcmp(crop + 8 * 3, img + 10 * 3, 8 * 3) == 0);
    CHECK_STATUS(acla_modcrop(img, sizeof img, 3, 12, 10, 0, crop, sizeof crop), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_modcrop(img, sizeof img, 3, 12, 10, 3, crop, sizeof crop), ACLA_ERR_SHAPE);

    /* Noise: both conventions add the same noise; dst may be src. */
    static uint8_t n8[sizeof img], inplace[sizeof img];
    static float nf[sizeof img], src_f[sizeof img];
    for (size_t i = 0; i < sizeof img; i++) src_f[i] = img[i];
    CHECK_STATUS(acla_degrade_noise_u8(img, n8, sizeof img, 3, 12, 10, 20.0, 5), ACLA_OK);
    CHECK_STATUS(acla_degrade_noise(src_f, nf, sizeof img, 3, 12, 10, 20.0, 5), ACLA_OK);
    int same = 0;
    for (size_t i = 0; i < sizeof img; i++) {
        double q = nf[i] <= 0 ? 0 : (nf[i] >= 255 ? 255 : round_half_up(nf[i]));
        same += dabs(q - n8[i]) < 0.5;
    }
    CHECK(same >= (int)sizeof img - 2);
    memcpy(inplace, img, sizeof img);
    CHECK_STATUS(acla_degrade_noise_u8(inplace, inplace, sizeof img, 3, 12, 10, 20.0, 5), ACLA_OK);
    CHECK(memcmp(inplace, n8, sizeof img) == 0);
    CHECK_STATUS(acla_degrade_noise_u8(img, n8, sizeof img, 3, 12, 10, -1.0, 5), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("sigma");
    CHECK_STATUS(acla_degrade_noise(src_f, nf, sizeof img, 3, 12, 10, INFINITY, 5), ACLA_ERR_INVALID_ARGUMENT);

    /* Mosaic: GRBG, zeros elsewhere. */
    static uint8_t mosaic[sizeof img];
    CHECK_STATUS(acla_degrade_mosaic(img, mosaic, sizeof img, 12, 10), ACLA_OK);
    int layout = 1;
    for (int y = 0; y < 12; y++) for (int x = 0; x < 10; x++) for (int ch = 0; ch < 3; ch++) {
        int keep = (y % 2 == 0) ? (x % 2 == 0 ? 1 : 0) : (x % 2 == 0 ? 2 : 1);
        size_t i = (size_t)((y * 10 + x) * 3 + ch);
        layout &= mosaic[i] == (ch == keep ? img[i] : 0);
    }
    CHECK(layout);
    CHECK_STATUS(acla_degrade_mosaic(img, mosaic, sizeof img - 3, 12, 10), ACLA_ERR_SHAPE);

    CHECK_STATUS(acla_degrade_jpeg(img, mosaic, sizeof img, 3, 12, 10, 10), ACLA_OK);
    CHECK_STATUS(acla_degrade_jpeg(img, mosaic, sizeof img, 3, 12, 10, 0), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("quality");

    uint8_t gray[120];
    float y[120];
    CHECK_STATUS(acla_rgb_to_gray(img, sizeof img, 12, 10, gray, sizeof gray), ACLA_OK);
    CHECK_STATUS(acla_rgb_to_y(img, sizeof img, 12, 10, y, 120), ACLA_OK);
    double g = 0.298936021293775 * img[3] + 0.587043074451121 * img[4] + 0.114020904255103 * img[5];
    CHECK(gray[1] == (uint8_t)round_half_up(g));
    CHECK(dabs(y[1] - (16 + (65.481 * img[3] + 128.553 * img[4] + 24.966 * img[5]) / 255)) < 1e-4);
    CHECK_STATUS(acla_rgb_to_gray(img, sizeof img, 12, 10, gray, 119), ACLA_ERR_SHAPE);
}

static void test_metrics(void) {
    static uint8_t a[20 * 16 * 3], b[20 * 16 * 3];
    memset(a, 10, sizeof a);
    memset(b, 20, sizeof b);
    double v = 0;
    CHECK_STATUS(acla_psnr(a, b, sizeof a, 3, 20, 16, 0, ACLA_MEASURE_RGB, &v), ACLA_OK);
    CHECK(dabs(v - PSNR_10_20) < 1e-12);
    CHECK_STATUS(acla_psnr(a, a, sizeof a, 3, 20, 16, 2, ACLA_MEASURE_Y, &v), ACLA_OK);
    CHECK(v > 1e308);
    CHECK_STATUS(acla_ssim(a, a, sizeof a, 3, 20, 16, 0, ACLA_MEASURE_RGB, &v), ACLA_OK);
    CHECK(dabs(v - 1) < 1e-12);
    CHECK_STATUS(acla_ssim(a, b, sizeof a, 3, 20, 16, 3, ACLA_MEASURE_RGB, &v), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("11 x 11");
    CHECK_STATUS(acla_psnr(a, b, sizeof a, 3, 20, 16, 8, ACLA_MEASURE_RGB, &v), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_psnr(a, b, sizeof a, 3, 20, 16, 0, 2, &v), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_psnr(a, b, sizeof a, 3, 20, 16, 0, ACLA_MEASURE_RGB, NULL), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_psnr(a, NULL, sizeof a, 3, 20, 16, 0, ACLA_MEASURE_RGB, &v), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_psnr(a, b, sizeof a + 1, 3, 20, 16, 0, ACLA_MEASURE_RGB, &v), ACLA_ERR_SHAPE);
    static float fa[20 * 16], fb[20 * 16];
    for (int i = 0; i < 320; i++) { fa[i] = 10.4f; fb[i] = 19.6f; }
    CHECK_STATUS(acla_psnr_f32(fa, fb, 320, 1, 20, 16, 0, ACLA_MEASURE_RGB, &v), ACLA_OK);
    CHECK(dabs(v - PSNR_10_20) < 1e-12);
    CHECK_STATUS(acla_ssim_f32(fa, fb, 320, 1, 20, 16, 0, ACLA_MEASURE_RGB, &v), ACLA_OK);
    fb[3] = NAN;
    CHECK_STATUS(acla_psnr_f32(fa, fb, 320, 1, 20, 16, 0, ACLA_MEASURE_RGB, &v), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("NaN");
}

/* Acceptance on ../shared/data when present: MATLAB's LR image and RCAN's published PSNR. */
static void test_benchmark_data(void) {
    struct stat st;
    if (stat("../shared/data/Set5", &st) != 0) {
        printf("test_imaging: ../shared/data is absent; skipping the benchmark-data checks\n");
        return;
    }
    int32_t c, h, w;
    static uint8_t hr[512 * 512 * 3], lr[256 * 256 * 3], made[256 * 256 * 3], sr[512 * 512 * 3];
    CHECK_STATUS(acla_image_read("../shared/data/Set5/replicate/x2/baby_HR_x2.png", hr, sizeof hr, &c, &h, &w, NULL), ACLA_OK);
    size_t n = (size_t)(h / 2) * (size_t)(w / 2) * 3;
    CHECK_STATUS(acla_image_read("../shared/data/Set5/replicate/x2/baby_LRBI_x2.png", lr, sizeof lr, &c, &h, &w, NULL), ACLA_OK);
    CHECK_STATUS(acla_resize_bicubic(hr, n * 4, 3, 2 * h, 2 * w, 0.5, ACLA_BOUNDARY_REPLICATE, made, n), ACLA_OK);
    CHECK(memcmp(made, lr, n) == 0);
    CHECK_STATUS(acla_image_read("../shared/data/Set5/RCAN_outputs/x2/baby_RCAN_x2.png", sr, sizeof sr, &c, &h, &w, NULL), ACLA_OK);
    double p = 0, s = 0;
    CHECK_STATUS(acla_psnr(hr, sr, (size_t)h * (size_t)w * 3, 3, h, w, 2, ACLA_MEASURE_Y, &p), ACLA_OK);
    CHECK_STATUS(acla_ssim(hr, sr, (size_t)h * (size_t)w * 3, 3, h, w, 2, ACLA_MEASURE_Y, &s), ACLA_OK);
    CHECK(dabs(p - 38.979958) < 2e-5 && dabs(s - 0.968184) < 2e-5);
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/acla-test-imaging-XXXXXX");
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 2; }
    test_files();
    test_degradations();
    test_metrics();
    test_benchmark_data();
    rmdir(tmpdir);
    CHECK_DONE("test_imaging");
}
