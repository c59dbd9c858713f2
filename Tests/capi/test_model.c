/* The model functions through the C interface, including every error path. */
#define _POSIX_C_SOURCE 200809L
#include <acla.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>
#include "check.h"

static char dir[64];

static const char *path_in_dir(const char *name) {
    static char buf[2][128];
    static int which = 0;
    which ^= 1;
    snprintf(buf[which], sizeof buf[which], "%s/%s", dir, name);
    return buf[which];
}

static uint64_t count_of(const char *config) {
    acla_model *m = NULL;
    uint64_t n = 0;
    CHECK_STATUS(acla_model_create(config, &m), ACLA_OK);
    CHECK_STATUS(acla_model_parameter_count(m, &n), ACLA_OK);
    acla_model_destroy(m);
    return n;
}

static void test_counts_and_macs(void) {
    CHECK(count_of("{\"backbone\": \"edsr\", \"scale\": 2}") == 1369883u);
    CHECK(count_of("{\"backbone\": \"edsr\", \"scale\": 3}") == 1554523u);
    CHECK(count_of("{\"backbone\": \"edsr\", \"scale\": 4}") == 1517595u);
    CHECK(count_of("{\"backbone\": \"rcan\", \"scale\": 2}") == 15444667u);
    CHECK(count_of("{\"backbone\": \"rcan\", \"scale\": 3}") == 15629307u);
    CHECK(count_of("{\"backbone\": \"rcan\", \"scale\": 4}") == 15592379u);
    const char *full[3] = {
        "{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 32, \"features\": 256, \"res_scale\": 0.1}",
        "{\"backbone\": \"edsr\", \"scale\": 3, \"blocks\": 32, \"features\": 256, \"res_scale\": 0.1}",
        "{\"backbone\": \"edsr\", \"scale\": 4, \"blocks\": 32, \"features\": 256, \"res_scale\": 0.1}",
    };
    CHECK(count_of(full[0]) == 40729627u);
    CHECK(count_of(full[1]) == 43680027u);
    CHECK(count_of(full[2]) == 43089947u);

    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create(full[0], &m), ACLA_OK);
    uint64_t macs = 0;
    CHECK_STATUS(acla_model_macs(m, 48, 48, &macs), ACLA_OK);
    CHECK(macs == 93847590144ull);
    CHECK_STATUS(acla_model_macs(m, 0, 48, &macs), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_macs(m, 48, -1, &macs), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_macs(m, INT32_MAX, INT32_MAX, &macs), ACLA_ERR_INVALID_ARGUMENT);
    CHECK(macs == 93847590144ull);  /* untouched on failure */
    CHECK_STATUS(acla_model_macs(m, 48, 48, NULL), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_macs(NULL, 48, 48, &macs), ACLA_ERR_INVALID_ARGUMENT);
    int32_t oc = 0, oh = 0, ow = 0;
    CHECK_STATUS(acla_model_output_size(m, 7, 5, &oc, &oh, &ow), ACLA_OK);
    CHECK(oc == 3 && oh == 14 && ow == 10);
    CHECK_STATUS(acla_model_output_size(m, INT32_MAX, 5, &oc, &oh, &ow), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_output_size(m, 7, 5, NULL, &oh, &ow), ACLA_ERR_INVALID_ARGUMENT);
    CHECK(oc == 3 && oh == 14 && ow == 10);
    acla_model_destroy(m);
}

static void test_config_errors_and_round_trip(void) {
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create(NULL, &m), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"scale\": 2}", NULL), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\",", &m), ACLA_ERR_FORMAT);
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"scale\": 2, \"depth\": 3}", &m), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("depth");
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": true}", &m), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("blocks");
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"scale\": 2, \"features\": 8.0}", &m), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("features");
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"scale\": 8}", &m), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("scale");
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 4, \"attention\": {\"kind\": \"cla\", \"positions\": [4, 2]}}", &m), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("attention.positions");
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"scale\": 4, \"blocks\": 256, \"features\": 1024}", &m), ACLA_ERR_OUT_OF_MEMORY);
    CHECK(m == NULL);

    CHECK_STATUS(acla_model_create("{\"seed\": 3, \"backbone\": \"edsr\", \"task\": \"denoise\", \"channels\": 1, \"blocks\": 2, \"features\": 4}", &m), ACLA_OK);
    const char *canonical = "{\"backbone\": \"edsr\", \"task\": \"denoise\", \"scale\": 1, \"channels\": 1, \"blocks\": 2, "
                            "\"features\": 4, \"res_scale\": 1.0, \"attention\": {\"kind\": \"none\"}, \"seed\": 3}";
    size_t needed = 0;
    CHECK_STATUS(acla_model_config(m, NULL, 0, &needed), ACLA_ERR_SHAPE);
    CHECK(needed == strlen(canonical) + 1);
    char small[8];
    memset(small, 'x', sizeof small);
    CHECK_STATUS(acla_model_config(m, small, sizeof small, &needed), ACLA_ERR_SHAPE);
    CHECK(small[0] == 'x');
    char buf[512];
    CHECK_STATUS(acla_model_config(m, buf, sizeof buf, &needed), ACLA_OK);
    CHECK(strcmp(buf, canonical) == 0);
    CHECK_STATUS(acla_model_config(m, buf, sizeof buf, NULL), ACLA_ERR_INVALID_ARGUMENT);
    acla_model_destroy(m);
    acla_model_destroy(NULL);
}

/* 3x3 zero-padded convolution in double, for the reference forward below. */
static void conv3(const double *x, int cin, int h, int w, const float *wt, const float *b, int cout, double *y) {
    for (int o = 0; o < cout; o++)
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++) {
                double acc = b[o];
                for (int c = 0; c < cin; c++)
                    for (int ky = 0; ky < 3; ky++)
                        for (int kx = 0; kx < 3; kx++) {
                            int sy = i + ky - 1, sx = j + kx - 1;
                            if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
                            acc += wt[((o * cin + c) * 3 + ky) * 3 + kx] * x[(c * h + sy) * w + sx];
                        }
                y[(o * h + i) * w + j] = acc;
            }
}

/* Same-resolution EDSR (1 block, 2 features, 1 channel) against a naive double forward. */
static void test_forward_against_reference(void) {
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"task\": \"denoise\", \"channels\": 1, \"blocks\": 1, \"features\": 2, \"res_scale\": 0.5, \"seed\": 4}", &m), ACLA_OK);
    enum { H = 5, W = 6, F = 2 };
    float hw[F * 9], hb[F], w0[F * F * 9], b0[F], w2[F * F * 9], b2[F], bw[F * F * 9], bb[F], tw[F * 9], tb[1];
    CHECK_STATUS(acla_model_get_parameter(m, "head.0.weight", hw, F * 9), ACLA_OK);
    CHECK_STATUS(acla_model_get_parameter(m, "head.0.bias", hb, F), ACLA_OK);
    CHECK_STATUS(acla_model_get_parameter(m, "body.0.body.0.weight", w0, F * F * 9), ACLA_OK);
    CHECK_STATUS(acla_model_get_parameter(m, "body.0.body.0.bias", b0, F), ACLA_OK);
    CHECK_STATUS(acla_model_get_parameter(m, "body.0.body.2.weight", w2, F * F * 9), ACLA_OK);
    CHECK_STATUS(acla_model_get_parameter(m, "body.0.body.2.bias", b2, F), ACLA_OK);
    CHECK_STATUS(acla_model_get_parameter(m, "body.1.weight", bw, F * F * 9), ACLA_OK);
    CHECK_STATUS(acla_model_get_parameter(m, "body.1.bias", bb, F), ACLA_OK);
    CHECK_STATUS(acla_model_get_parameter(m, "tail.0.weight", tw, F * 9), ACLA_OK);
    CHECK_STATUS(acla_model_get_parameter(m, "tail.0.bias", tb, 1), ACLA_OK);

    float input[H * W], output[H * W];
    double x[H * W], head[F * H * W], t1[F * H * W], t2[F * H * W], r[F * H * W], t3[F * H * W], y[H * W];
    for (int i = 0; i < H * W; i++) { input[i] = (float)((i * 37) % 101) * 2.5f; x[i] = input[i]; }
    CHECK_STATUS(acla_model_forward(m, input, 1, 1, H, W, output, H * W), ACLA_OK);
    conv3(x, 1, H, W, hw, hb, F, head);
    conv3(head, F, H, W, w0, b0, F, t1);
    for (int i = 0; i < F * H * W; i++) t1[i] = t1[i] > 0 ? t1[i] : 0;
    conv3(t1, F, H, W, w2, b2, F, t2);
    for (int i = 0; i < F * H * W; i++) r[i] = 0.5 * t2[i] + head[i];
    conv3(r, F, H, W, bw, bb, F, t3);
    for (int i = 0; i < F * H * W; i++) t3[i] += head[i];
    conv3(t3, F, H, W, tw, tb, 1, y);
    double worst = 0;
    for (int i = 0; i < H * W; i++) {
        double d = output[i] - (y[i] + x[i]);
        if (d < 0) d = -d;
        if (d > worst) worst = d;
    }
    CHECK(worst < 1e-3);
    acla_model_destroy(m);
}

static void test_forward_errors(void) {
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 1, \"features\": 4}", &m), ACLA_OK);
    float in[2 * 3 * 4 * 5], out[2 * 3 * 8 * 10];
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) in[i] = (float)(i % 255);
    const size_t n_out = sizeof out / sizeof out[0];
    out[0] = -12345.f;
    CHECK_STATUS(acla_model_forward(m, in, 2, 3, 4, 5, out, n_out), ACLA_OK);
    CHECK(out[0] != -12345.f);
    out[0] = -12345.f;
    CHECK_STATUS(acla_model_forward(NULL, in, 2, 3, 4, 5, out, n_out), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_forward(m, NULL, 2, 3, 4, 5, out, n_out), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_forward(m, in, 2, 3, 4, 5, NULL, n_out), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_forward(m, in, 0, 3, 4, 5, out, n_out), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_forward(m, in, 2, 3, -4, 5, out, n_out), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_forward(m, in, 2, 1, 4, 5, out, n_out), ACLA_ERR_SHAPE);
    CHECK_MESSAGE_HAS("channels");
    CHECK_STATUS(acla_model_forward(m, in, 1, 4, 5, 3, out, n_out), ACLA_ERR_SHAPE);  /* an HWC image as NCHW */
    CHECK_MESSAGE_HAS("looks like NHWC");
    CHECK_STATUS(acla_model_forward(m, in, 2, 3, 4, 5, out, n_out - 1), ACLA_ERR_SHAPE);
    CHECK_STATUS(acla_model_forward(m, in, 2, 3, 4, 5, out, (size_t)-1), ACLA_ERR_SHAPE);
    CHECK_STATUS(acla_model_forward(m, in, INT32_MAX, 3, INT32_MAX, INT32_MAX, out, n_out), ACLA_ERR_OUT_OF_MEMORY);
    CHECK(out[0] == -12345.f);
    /* NaN/Inf input is refused with its position (n 1, c 2, y 3, x 4 = index 119) unless allowed */
    in[119] = NAN;
    CHECK_STATUS(acla_model_forward(m, in, 2, 3, 4, 5, out, n_out), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("index 119 (n 1, c 2, y 3, x 4)");
    CHECK(out[0] == -12345.f);
    in[119] = -INFINITY;
    CHECK_STATUS(acla_model_forward(m, in, 2, 3, 4, 5, out, n_out), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_set_allow_nonfinite(m, 2), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_set_allow_nonfinite(NULL, 1), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_set_allow_nonfinite(m, 1), ACLA_OK);
    CHECK_STATUS(acla_model_forward(m, in, 2, 3, 4, 5, out, n_out), ACLA_OK);
    CHECK_STATUS(acla_model_set_allow_nonfinite(m, 0), ACLA_OK);
    CHECK_STATUS(acla_model_forward(m, in, 2, 3, 4, 5, out, n_out), ACLA_ERR_INVALID_ARGUMENT);
    acla_model_destroy(m);
}

/* The last layer writes into output directly; in place (input == output, a same-resolution
 * model) the result is copied in at the end: both give the out-of-place values exactly. */
static void test_forward_in_place(void) {
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"task\": \"denoise\", \"blocks\": 2, \"features\": 8, \"seed\": 5}", &m), ACLA_OK);
    enum { N = 3 * 16 * 16 };
    float in[N], out[N], inplace[N];
    for (int i = 0; i < N; i++) in[i] = inplace[i] = (float)((i * 37) % 251);
    CHECK_STATUS(acla_model_forward(m, in, 1, 3, 16, 16, out, N), ACLA_OK);
    CHECK_STATUS(acla_model_forward(m, inplace, 1, 3, 16, 16, inplace, N), ACLA_OK);
    CHECK(memcmp(out, inplace, sizeof out) == 0);
    CHECK(memcmp(out, in, sizeof out) != 0);
    acla_model_destroy(m);
}

static void test_parameters(void) {
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create("{\"backbone\": \"rcan\", \"scale\": 2, \"groups\": 1, \"blocks\": 1, \"features\": 8, \"reduction\": 4}", &m), ACLA_OK);
    float w[2 * 8];
    for (int i = 0; i < 16; i++) w[i] = (float)i * 0.25f - 1.f;
    const char *name = "body.0.body.0.body.3.conv_du.0.weight";
    CHECK_STATUS(acla_model_set_parameter(m, name, w, 16), ACLA_OK);
    float back[16];
    CHECK_STATUS(acla_model_get_parameter(m, name, back, 16), ACLA_OK);
    CHECK(memcmp(w, back, sizeof w) == 0);
    CHECK_STATUS(acla_model_get_parameter(m, name, back, 15), ACLA_ERR_SHAPE);
    CHECK_MESSAGE_HAS("16");
    CHECK_STATUS(acla_model_set_parameter(m, name, w, 17), ACLA_ERR_SHAPE);
    CHECK_STATUS(acla_model_get_parameter(m, "body.0.nothing", back, 16), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("body.0.nothing");
    CHECK_STATUS(acla_model_get_parameter(m, NULL, back, 16), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_get_parameter(m, name, NULL, 16), ACLA_ERR_INVALID_ARGUMENT);
    w[3] = NAN;
    CHECK_STATUS(acla_model_set_parameter(m, name, w, 16), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_get_parameter(m, name, back, 16), ACLA_OK);
    CHECK(back[3] == -0.25f);  /* unchanged */

    int64_t dims[4] = {0};
    int32_t rank = 0;
    CHECK_STATUS(acla_model_parameter_shape(m, name, dims, 4, &rank), ACLA_OK);
    CHECK(rank == 4 && dims[0] == 2 && dims[1] == 8 && dims[2] == 1 && dims[3] == 1);
    CHECK_STATUS(acla_model_parameter_shape(m, "head.0.bias", dims, 4, &rank), ACLA_OK);
    CHECK(rank == 1 && dims[0] == 8);
    CHECK_STATUS(acla_model_parameter_shape(m, name, dims, 2, &rank), ACLA_ERR_SHAPE);
    CHECK(rank == 4);
    size_t needed = 0;
    CHECK_STATUS(acla_model_parameter_names(m, NULL, 0, &needed), ACLA_ERR_SHAPE);
    char *names = malloc(needed);
    CHECK_STATUS(acla_model_parameter_names(m, names, needed, &needed), ACLA_OK);
    CHECK(strncmp(names, "sub_mean.weight\nsub_mean.bias\nadd_mean.weight\n", 46) == 0);
    CHECK(strstr(names, "\ntail.1.bias") != NULL);
    free(names);
    acla_model_destroy(m);
}

static void write_bytes(const char *path, const void *data, size_t n) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    fwrite(data, 1, n, f);
    fclose(f);
}

static void test_checkpoints(void) {
    const char *x2cfg = "{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 2, \"features\": 4, \"seed\": 1}";
    acla_model *m = NULL, *back = NULL;
    CHECK_STATUS(acla_model_create(x2cfg, &m), ACLA_OK);
    CHECK_STATUS(acla_model_save(m, path_in_dir("x2.safetensors")), ACLA_OK);
    CHECK_STATUS(acla_model_load(path_in_dir("x2.safetensors"), NULL, &back), ACLA_OK);
    float a[4 * 4 * 9], b[4 * 4 * 9];
    CHECK_STATUS(acla_model_get_parameter(m, "body.1.body.2.weight", a, 144), ACLA_OK);
    CHECK_STATUS(acla_model_get_parameter(back, "body.1.body.2.weight", b, 144), ACLA_OK);
    CHECK(memcmp(a, b, sizeof a) == 0);
    acla_model_destroy(back);
    back = NULL;

    const char *x3cfg = "{\"backbone\": \"edsr\", \"scale\": 3, \"blocks\": 2, \"features\": 4}";
    CHECK_STATUS(acla_model_load(path_in_dir("x2.safetensors"), x3cfg, &back), ACLA_ERR_FORMAT);
    CHECK_MESSAGE_HAS("tail.0.0.weight");
    CHECK(back == NULL);
    CHECK_STATUS(acla_model_load_ex(path_in_dir("x2.safetensors"), x3cfg, 4u, &back), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_load_ex(path_in_dir("x2.safetensors"), x3cfg, ACLA_LOAD_IGNORE_TAIL, &back), ACLA_OK);
    CHECK_STATUS(acla_model_get_parameter(back, "body.1.body.2.weight", b, 144), ACLA_OK);
    CHECK(memcmp(a, b, sizeof a) == 0);
    int32_t oc, oh, ow;
    CHECK_STATUS(acla_model_output_size(back, 4, 4, &oc, &oh, &ow), ACLA_OK);
    CHECK(oh == 12);
    acla_model_destroy(back);
    back = NULL;

    CHECK_STATUS(acla_model_load(path_in_dir("absent.safetensors"), NULL, &back), ACLA_ERR_IO);
    CHECK_STATUS(acla_model_load(NULL, NULL, &back), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_load(path_in_dir("x2.safetensors"), "{bad", &back), ACLA_ERR_FORMAT);
    CHECK_STATUS(acla_model_save(m, "/nonexistent-dir/x.safetensors"), ACLA_ERR_IO);
    CHECK_STATUS(acla_model_save(NULL, path_in_dir("y.safetensors")), ACLA_ERR_INVALID_ARGUMENT);

    /* hostile files: truncated length, header length beyond the file, bad header */
    const unsigned char three[3] = {1, 2, 3};
    write_bytes(path_in_dir("short.safetensors"), three, 3);
    CHECK_STATUS(acla_model_load(path_in_dir("short.safetensors"), x2cfg, &back), ACLA_ERR_FORMAT);
    unsigned char huge[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, '{', '}'};
    write_bytes(path_in_dir("huge.safetensors"), huge, sizeof huge);
    CHECK_STATUS(acla_model_load(path_in_dir("huge.safetensors"), x2cfg, &back), ACLA_ERR_FORMAT);
    unsigned char beyond[10] = {100, 0, 0, 0, 0, 0, 0, 0, '{', '}'};
    write_bytes(path_in_dir("beyond.safetensors"), beyond, sizeof beyond);
    CHECK_STATUS(acla_model_load(path_in_dir("beyond.safetensors"), x2cfg, &back), ACLA_ERR_FORMAT);
    CHECK_MESSAGE_HAS("beyond the end of the file");
    unsigned char empty[10] = {2, 0, 0, 0, 0, 0, 0, 0, '{', '}'};
    write_bytes(path_in_dir("empty.safetensors"), empty, sizeof empty);
    CHECK_STATUS(acla_model_load(path_in_dir("empty.safetensors"), x2cfg, &back), ACLA_ERR_FORMAT);
    CHECK_MESSAGE_HAS("missing tensor");
    CHECK(back == NULL);
    acla_model_destroy(m);
}

/* The installed catalog is found beside the installed library, without a path. */
static void test_bundled_catalog(void) {
    size_t needed = 0;
    CHECK_STATUS(acla_models_catalog(NULL, 0, &needed), ACLA_ERR_SHAPE);
    CHECK(needed > 10);
    char *buf = malloc(needed);
    CHECK_STATUS(acla_models_catalog(buf, needed, &needed), ACLA_OK);
    CHECK(strstr(buf, "\"models\"") != NULL && strstr(buf, "share/acla/models") != NULL);
    free(buf);
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_load_default("no-such-model", &m), ACLA_ERR_INVALID_ARGUMENT);
    CHECK(m == NULL);
    const char *names[] = {"sr-x2", "sr-x2-acla", "denoise"};   /* a plain model, one with ACLA */
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK_STATUS(acla_model_load_default(names[i], &m), ACLA_OK);
        CHECK(m != NULL);
        acla_model_destroy(m);
        m = NULL;
    }
}

int main(void) {
    strcpy(dir, "/tmp/acla-test-model-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    test_counts_and_macs();
    test_config_errors_and_round_trip();
    test_forward_against_reference();
    test_forward_errors();
    test_forward_in_place();
    test_parameters();
    test_checkpoints();
    test_bundled_catalog();
    const char *files[] = {"x2.safetensors", "short.safetensors", "huge.safetensors", "beyond.safetensors", "empty.safetensors"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) unlink(path_in_dir(files[i]));
    rmdir(dir);
    CHECK_DONE("test_model");
}
