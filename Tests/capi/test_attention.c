/* The attention functions through the C interface: per-module statistics, the Figure-2 probe,
 * measured MACs, the NL/CLNL memory limit, the search outcome and the derived network. */
#include <acla.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"

#define H 6
#define W 7

static const char *ACLA_EDSR =
    "{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 16, \"features\": 8, \"seed\": 3,"
    " \"attention\": {\"kind\": \"acla\", \"positions\": [2, 7, 9, 13, 15], \"keys\": 16}}";

static void fill_input(float *x, int count) {
    uint32_t s = 12345u;
    for (int i = 0; i < count; i++) { s = s * 1664525u + 1013904223u; x[i] = (float)(s >> 8) / (float)(1u << 24) * 255.f; }
}

static int forward(acla_model *m, float *out) {
    float x[3 * H * W];
    fill_input(x, 3 * H * W);
    acla_status s = acla_model_forward(m, x, 1, 3, H, W, out, 3 * 2 * H * 2 * W);
    if (s != ACLA_OK) fprintf(stderr, "forward: %s\n", acla_last_error_message());
    return s;
}

static void test_modules_and_statistics(void) {
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create(ACLA_EDSR, &m), ACLA_OK);
    int32_t count = -1, position = 0, sources = 0, keys = 0;
    CHECK_STATUS(acla_model_attention_count(m, &count), ACLA_OK);
    CHECK(count == 5);
    CHECK_STATUS(acla_model_attention_module(m, 2, &position, &sources, &keys), ACLA_OK);
    CHECK(position == 9 && sources == 3 && keys == 16);
    int32_t layers[8] = {0}, n = 0;
    CHECK_STATUS(acla_model_attention_sources(m, 2, layers, 2, &n), ACLA_ERR_SHAPE);
    CHECK(n == 3 && layers[0] == 0);
    CHECK_STATUS(acla_model_attention_sources(m, 2, layers, 8, &n), ACLA_OK);
    CHECK(n == 3 && layers[0] == 2 && layers[1] == 7 && layers[2] == 9);
    CHECK_STATUS(acla_model_attention_module(m, 5, &position, &sources, &keys), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("5");
    CHECK_STATUS(acla_model_attention_module(m, -1, &position, &sources, &keys), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_attention_module(m, 0, NULL, &sources, &keys), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_attention_count(NULL, &count), ACLA_ERR_INVALID_ARGUMENT);

    double fraction = -1;
    uint64_t macs = 0, dense = 0, measured = 0, module_macs = 0, sum = 0;
    CHECK_STATUS(acla_model_attention_open_fraction(m, 0, &fraction), ACLA_ERR_STATE);
    CHECK_STATUS(acla_model_measured_macs(m, &measured), ACLA_ERR_STATE);
    CHECK(fraction == -1 && measured == 0);

    float out[3 * 2 * H * 2 * W];
    CHECK(forward(m, out) == ACLA_OK);
    for (int i = 0; i < 5; i++) {
        CHECK_STATUS(acla_model_attention_open_fraction(m, i, &fraction), ACLA_OK);
        /* initial gates are open (bias +3) except for keys sampled wholly outside the map */
        CHECK(fraction > 0.5 && fraction <= 1.0);
        CHECK_STATUS(acla_model_attention_macs(m, i, &module_macs), ACLA_OK);
        CHECK(module_macs > 0);
        sum += module_macs;
    }
    CHECK_STATUS(acla_model_measured_macs(m, &measured), ACLA_OK);
    CHECK_STATUS(acla_model_macs(m, H, W, &dense), ACLA_OK);
    acla_model *plain = NULL;
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 16, \"features\": 8}", &plain), ACLA_OK);
    CHECK_STATUS(acla_model_macs(plain, H, W, &macs), ACLA_OK);
    CHECK(measured == macs + sum);
    CHECK(measured <= dense && measured > macs);
    CHECK_STATUS(acla_model_measured_macs(plain, &measured), ACLA_ERR_STATE);
    CHECK_MESSAGE_HAS("acla_model_macs");
    CHECK_STATUS(acla_model_attention_count(plain, &count), ACLA_OK);
    CHECK(count == 0);
    CHECK_STATUS(acla_model_set_probe(plain, 1, 1), ACLA_ERR_STATE);
    acla_model_destroy(plain);
    acla_model_destroy(m);
}

/* Figure 2: with the initial weights the keys sit on the ring pattern around the query, with
 * uniform weights over the open keys. */
static void test_probe(void) {
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create(ACLA_EDSR, &m), ACLA_OK);
    CHECK_STATUS(acla_model_set_probe(m, -2, 3), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_set_probe(m, 3, 4), ACLA_OK);
    float out[3 * 2 * H * 2 * W];
    CHECK(forward(m, out) == ACLA_OK);
    size_t count = 0;
    CHECK_STATUS(acla_model_probe_keys(m, 4, NULL, NULL, NULL, NULL, NULL, 0, &count), ACLA_ERR_SHAPE);
    CHECK(count == 5 * 16);
    int32_t layer[80];
    float ky[80], kx[80], weight[80];
    uint8_t open[80];
    CHECK_STATUS(acla_model_probe_keys(m, 4, layer, ky, kx, weight, open, 80, &count), ACLA_OK);
    const int positions[5] = {2, 7, 9, 13, 15};
    double total = 0;
    int opened = 0;
    for (int i = 0; i < 80; i++) {
        CHECK(layer[i] == positions[i / 16]);
        total += weight[i];
        opened += open[i];
        if (!open[i]) CHECK(weight[i] == 0.f);
    }
    CHECK(fabs(total - 1.0) < 1e-5);
    for (int i = 0; i < 80; i++) if (open[i]) CHECK(fabsf(weight[i] - 1.f / (float)opened) < 1e-6f);
    /* key 0 of a source: (dy, dx) = (0, 1); key 9: the second ring at (2, 2) */
    CHECK(ky[0] == 3.f && kx[0] == 5.f);
    CHECK(ky[9] == 5.f && kx[9] == 6.f);
    CHECK_STATUS(acla_model_probe_keys(m, 4, NULL, ky, NULL, NULL, NULL, 80, &count), ACLA_OK);
    CHECK_STATUS(acla_model_probe_keys(m, 4, layer, ky, kx, weight, open, 80, NULL), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_set_probe(m, -1, -1), ACLA_OK);
    CHECK(forward(m, out) == ACLA_OK);
    CHECK_STATUS(acla_model_probe_keys(m, 4, layer, ky, kx, weight, open, 80, &count), ACLA_OK);
    CHECK(count == 0);
    acla_model_destroy(m);
}

/* CLNL refuses maps whose attention matrix exceeds the limit, with a clear error. */
static void test_memory_limit(void) {
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 2, \"features\": 8,"
                                   " \"attention\": {\"kind\": \"clnl\", \"positions\": [1, 2]}}", &m), ACLA_OK);
    CHECK_STATUS(acla_model_set_attention_memory_limit(m, 0), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_set_attention_memory_limit(m, 1000), ACLA_OK);
    float x[3 * H * W], out[3 * 2 * H * 2 * W];
    fill_input(x, 3 * H * W);
    CHECK_STATUS(acla_model_forward(m, x, 1, 3, H, W, out, 3 * 2 * H * 2 * W), ACLA_ERR_OUT_OF_MEMORY);
    CHECK_MESSAGE_HAS("1000 bytes");
    CHECK_STATUS(acla_model_set_attention_memory_limit(m, UINT64_MAX), ACLA_OK);
    CHECK_STATUS(acla_model_forward(m, x, 1, 3, H, W, out, 3 * 2 * H * 2 * W), ACLA_OK);
    acla_model_destroy(m);
}

/* A supernet's positions follow search.alpha; its derived network computes the same output. */
static void test_search_outcome(void) {
    acla_model *net = NULL, *derived = NULL;
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 4, \"features\": 8,"
                                   " \"attention\": {\"kind\": \"acla\", \"positions\": \"all\", \"keys\": 4}}", &net), ACLA_OK);
    int32_t positions[4] = {0}, count = 0;
    CHECK_STATUS(acla_model_search_positions(net, positions, 4, &count), ACLA_OK);
    CHECK(count == 4 && positions[0] == 1 && positions[3] == 4);
    /* alpha 0 keeps layer 4 in the derived network (alpha >= 0) although evaluation switches it
     * off (alpha > 0); its zero-initialised output makes both the identity */
    const float alpha[4] = {1.f, -1.f, 0.5f, 0.f};
    CHECK_STATUS(acla_model_set_parameter(net, "search.alpha", alpha, 4), ACLA_OK);
    CHECK_STATUS(acla_model_search_positions(net, positions, 1, &count), ACLA_ERR_SHAPE);
    CHECK(count == 3);
    CHECK_STATUS(acla_model_search_positions(net, positions, 4, &count), ACLA_OK);
    CHECK(count == 3 && positions[0] == 1 && positions[1] == 3 && positions[2] == 4);
    /* a small random out/logit projection so the modules are not the identity */
    float w[64];
    for (int i = 0; i < 64; i++) w[i] = (float)((i * 37) % 11 - 5) * 0.01f;
    CHECK_STATUS(acla_model_set_parameter(net, "attention.1.out.weight", w, 64), ACLA_OK);
    CHECK_STATUS(acla_model_set_parameter(net, "attention.3.out.weight", w, 64), ACLA_OK);
    CHECK_STATUS(acla_model_derive(net, NULL, 0, &derived), ACLA_OK);
    char config[512];
    size_t needed = 0;
    CHECK_STATUS(acla_model_config(derived, config, sizeof config, &needed), ACLA_OK);
    CHECK(strstr(config, "\"positions\": [1, 3, 4]") != NULL);
    float a[3 * 2 * H * 2 * W], b[3 * 2 * H * 2 * W];
    CHECK(forward(net, a) == ACLA_OK);
    CHECK(forward(derived, b) == ACLA_OK);
    float worst = 0;
    for (int i = 0; i < 3 * 2 * H * 2 * W; i++) if (fabsf(a[i] - b[i]) > worst) worst = fabsf(a[i] - b[i]);
    CHECK(worst < 1e-3f);
    int32_t count_derived = 0;
    CHECK_STATUS(acla_model_attention_count(derived, &count_derived), ACLA_OK);
    CHECK(count_derived == 3);
    CHECK_STATUS(acla_model_search_positions(derived, positions, 4, &count), ACLA_ERR_INVALID_ARGUMENT);
    acla_model_destroy(derived);
    derived = NULL;
    const int32_t bad[2] = {3, 1};
    CHECK_STATUS(acla_model_derive(net, bad, 2, &derived), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("sorted");
    const int32_t outside[1] = {5};
    CHECK_STATUS(acla_model_derive(net, outside, 1, &derived), ACLA_ERR_INVALID_ARGUMENT);
    CHECK(derived == NULL);
    CHECK_STATUS(acla_model_derive(net, bad, 0, &derived), ACLA_OK);   /* no position: the plain backbone */
    CHECK_STATUS(acla_model_attention_count(derived, &count), ACLA_OK);
    CHECK(count == 0);
    acla_model_destroy(derived);
    acla_model_destroy(net);
}

int main(void) {
    acla_set_num_threads(2);
    test_modules_and_statistics();
    test_probe();
    test_memory_limit();
    test_search_outcome();
    CHECK_DONE("test_attention");
}
