/* Restoring 8-bit images through the C interface: options, output size, restore, progress
 * and cancellation, and every error path. */
#include <acla.h>
#include <stdint.h>
#include "check.h"

#define X2 "{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 1, \"features\": 4}"
#define JPEG1 "{\"backbone\": \"edsr\", \"task\": \"jpeg\", \"channels\": 1, \"blocks\": 1, \"features\": 4}"

static void fill(uint8_t *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i++) { seed = seed * 1103515245u + 12345u; p[i] = (uint8_t)(seed >> 16); }
}

static void test_options(void) {
    acla_restore_options *o = NULL;
    int32_t tile = -7, overlap = -7;
    CHECK_STATUS(acla_restore_options_create(NULL), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_restore_options_create(&o), ACLA_OK);
    CHECK_STATUS(acla_restore_options_get_tile(o, &tile, &overlap), ACLA_OK);
    CHECK(tile == 256 && overlap == 64);
    CHECK_STATUS(acla_restore_options_set_tile(o, 64, 64), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("64");
    CHECK_STATUS(acla_restore_options_set_tile(o, -1, 0), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_restore_options_set_tile(o, 64, -1), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_restore_options_get_tile(o, &tile, &overlap), ACLA_OK);
    CHECK(tile == 256 && overlap == 64);   /* refused settings change nothing */
    CHECK_STATUS(acla_restore_options_set_tile(o, 0, 500), ACLA_OK);
    CHECK_STATUS(acla_restore_options_set_tile(o, 48, 16), ACLA_OK);
    CHECK_STATUS(acla_restore_options_get_tile(o, &tile, &overlap), ACLA_OK);
    CHECK(tile == 48 && overlap == 16);
    CHECK_STATUS(acla_restore_options_get_tile(o, NULL, &overlap), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_restore_options_set_ensemble(o, 2), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_restore_options_set_ensemble(o, 1), ACLA_OK);
    CHECK_STATUS(acla_restore_options_set_ensemble(NULL, 1), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_restore_options_set_progress(NULL, NULL, NULL), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_restore_options_set_progress(o, NULL, NULL), ACLA_OK);
    acla_restore_options_destroy(o);
    acla_restore_options_destroy(NULL);
}

static void test_output_size(void) {
    acla_model *m = NULL, *j = NULL;
    CHECK_STATUS(acla_model_create(X2, &m), ACLA_OK);
    CHECK_STATUS(acla_model_create(JPEG1, &j), ACLA_OK);
    int32_t c = 0, h = 0, w = 0;
    uint32_t notes = 99;
    CHECK_STATUS(acla_model_restore_output_size(m, 4, 5, 7, &c, &h, &w, &notes), ACLA_OK);
    CHECK(c == 4 && h == 10 && w == 14 && notes == ACLA_RESTORE_NOTE_ALPHA_RESIZED);
    CHECK_STATUS(acla_model_restore_output_size(m, 1, 5, 7, &c, &h, &w, &notes), ACLA_OK);
    CHECK(c == 1 && notes == ACLA_RESTORE_NOTE_GRAY_AS_RGB);
    CHECK_STATUS(acla_model_restore_output_size(j, 3, 5, 7, &c, &h, &w, NULL), ACLA_OK);
    CHECK(c == 3 && h == 5 && w == 7);
    CHECK_STATUS(acla_model_restore_output_size(j, 4, 5, 7, &c, &h, &w, &notes), ACLA_OK);
    CHECK(notes == (ACLA_RESTORE_NOTE_LUMA_ONLY | ACLA_RESTORE_NOTE_ALPHA_COPIED));
    c = h = w = -3;
    CHECK_STATUS(acla_model_restore_output_size(m, 5, 5, 7, &c, &h, &w, &notes), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("5");
    CHECK_STATUS(acla_model_restore_output_size(m, 3, 0, 7, &c, &h, &w, &notes), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_restore_output_size(m, 3, INT32_MAX, 7, &c, &h, &w, &notes), ACLA_ERR_OUT_OF_MEMORY);
    CHECK_STATUS(acla_model_restore_output_size(NULL, 3, 5, 7, &c, &h, &w, &notes), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_restore_output_size(m, 3, 5, 7, NULL, &h, &w, &notes), ACLA_ERR_INVALID_ARGUMENT);
    CHECK(c == -3 && h == -3 && w == -3);
    acla_model_destroy(j);
    acla_model_destroy(m);
}

typedef struct { int calls; int64_t last_done, total; int64_t cancel_at; } progress_state;

static int32_t on_progress(void *user, int64_t done, int64_t total) {
    progress_state *s = user;
    s->calls++;
    s->last_done = done;
    s->total = total;
    return done >= s->cancel_at ? 1 : 0;
}

static void test_restore(void) {
    enum { H = 30, W = 26, C = 3, OH = 60, OW = 52 };
    static uint8_t in[H * W * C], whole[OH * OW * C], tiled[OH * OW * C], cancelled[OH * OW * C];
    fill(in, sizeof in, 7);
    acla_model *m = NULL;
    acla_restore_options *o = NULL;
    CHECK_STATUS(acla_model_create(X2, &m), ACLA_OK);
    CHECK_STATUS(acla_restore_options_create(&o), ACLA_OK);
    CHECK_STATUS(acla_restore_options_set_tile(o, 0, 0), ACLA_OK);
    CHECK_STATUS(acla_model_restore(m, o, in, sizeof in, C, H, W, whole, sizeof whole), ACLA_OK);
    CHECK_STATUS(acla_restore_options_set_tile(o, 16, 12), ACLA_OK);
    progress_state s = {0, -1, -1, 1000};
    CHECK_STATUS(acla_restore_options_set_progress(o, on_progress, &s), ACLA_OK);
    CHECK_STATUS(acla_model_restore(m, o, in, sizeof in, C, H, W, tiled, sizeof tiled), ACLA_OK);
    /* 4 x 3 windows of 18 x 18 (16 rounded up to the Winograd alignment), done = 0..12 */
    CHECK(s.total == 12 && s.last_done == 12 && s.calls == 13);
    int worst = 0;
    for (size_t i = 0; i < sizeof tiled; i++) {
        int d = (int)tiled[i] - (int)whole[i];
        if (d < 0) d = -d;
        if (d > worst) worst = d;
    }
    CHECK(worst <= 1);   /* one block: its receptive field (< 6 px) is inside half the overlap */
    /* cancel after the first window */
    memset(cancelled, 0xA5, sizeof cancelled);
    s = (progress_state){0, -1, -1, 1};
    CHECK_STATUS(acla_model_restore(m, o, in, sizeof in, C, H, W, cancelled, sizeof cancelled), ACLA_ERR_CANCELLED);
    CHECK(s.calls == 2 && s.last_done == 1);
    CHECK(cancelled[0] == tiled[0] && cancelled[sizeof cancelled - 1] == 0xA5);
    /* the ensemble counts 8 passes per window */
    CHECK_STATUS(acla_restore_options_set_ensemble(o, 1), ACLA_OK);
    s = (progress_state){0, -1, -1, 0};
    CHECK_STATUS(acla_model_restore(m, o, in, sizeof in, C, H, W, tiled, sizeof tiled), ACLA_ERR_CANCELLED);
    CHECK(s.total == 96 && s.calls == 1);
    /* errors: lengths, NULL, overlapping buffers; the output is untouched */
    memset(cancelled, 0x5A, sizeof cancelled);
    CHECK_STATUS(acla_model_restore(m, NULL, in, sizeof in - 1, C, H, W, cancelled, sizeof cancelled), ACLA_ERR_SHAPE);
    CHECK_STATUS(acla_model_restore(m, NULL, in, sizeof in, C, H, W, cancelled, sizeof cancelled + 1), ACLA_ERR_SHAPE);
    CHECK_MESSAGE_HAS("acla_model_restore_output_size");
    CHECK_STATUS(acla_model_restore(m, NULL, NULL, sizeof in, C, H, W, cancelled, sizeof cancelled), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_restore(m, NULL, in, sizeof in, 0, H, W, cancelled, sizeof cancelled), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_restore(NULL, NULL, in, sizeof in, C, H, W, cancelled, sizeof cancelled), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_restore(m, NULL, whole, sizeof in, C, H, W, whole, sizeof whole), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("overlap");
    int untouched = 1;
    for (size_t i = 0; i < sizeof cancelled; i++) untouched &= cancelled[i] == 0x5A;
    CHECK(untouched);
    acla_restore_options_destroy(o);
    acla_model_destroy(m);
}

int main(void) {
    test_options();
    test_output_size();
    test_restore();
    CHECK_DONE("test_restore");
}
