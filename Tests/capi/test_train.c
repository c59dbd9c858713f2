/* The trainer through the C interface: steps that learn and change only the parameters they
 * should, a checkpoint that resumes bit-identically, a supernet's alpha steps, errors. */
#define _POSIX_C_SOURCE 200809L
#include <acla.h>
#include <stdint.h>
#include <stdlib.h>
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

#define N 2
#define H 6
#define W 6
#define IN (N * 3 * H * W)
#define OUT (N * 3 * 2 * H * 2 * W)
static float input[IN], target[OUT];

static const char *tiny = "{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 2, \"features\": 8, "
                          "\"attention\": {\"kind\": \"acla\", \"positions\": [1, 2], \"keys\": 4}, \"seed\": 2}";

static void make_batch(void) {
    /* a smooth (linear) target and its 2x2 box-downscaled input; no libm needed */
    for (int b = 0; b < N; b++)
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 2 * H; y++)
                for (int x = 0; x < 2 * W; x++)
                    target[((b * 3 + c) * 2 * H + y) * 2 * W + x] = (float)(40 + 9 * x + 6 * y + 20 * c + 15 * b);
    for (int b = 0; b < N; b++)
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    const float *t = target + ((b * 3 + c) * 2 * H + 2 * y) * 2 * W + 2 * x;
                    input[((b * 3 + c) * H + y) * W + x] = (t[0] + t[1] + t[2 * W] + t[2 * W + 1]) / 4;
                }
}

static float *params(acla_model *m, const char *name, size_t len) {
    float *p = malloc(len * sizeof(float));
    CHECK_STATUS(acla_model_get_parameter(m, name, p, len), ACLA_OK);
    return p;
}

static void test_steps_learn_and_resume(void) {
    acla_model *a = NULL, *b = NULL;
    acla_trainer *ta = NULL, *tb = NULL;
    const char *opts = "{\"optimizer\": {\"lr\": 1e-3}, \"loss\": \"mse\", \"seed\": 5, "
                       "\"schedule\": {\"kind\": \"halving\", \"every\": 4}}";
    CHECK_STATUS(acla_model_create(tiny, &a), ACLA_OK);
    CHECK_STATUS(acla_trainer_create(a, opts, &ta), ACLA_OK);
    float *mean_before = params(a, "sub_mean.bias", 3);
    double first = 0, loss = 0;
    for (int i = 0; i < 6; i++) {
        CHECK_STATUS(acla_trainer_step(ta, input, N, 3, H, W, target, OUT, &loss), ACLA_OK);
        if (i == 0) first = loss;
        if (i == 2) CHECK_STATUS(acla_trainer_save(ta, path_in_dir("t3.safetensors")), ACLA_OK);
    }
    CHECK(loss < first);
    int64_t step = 0;
    CHECK_STATUS(acla_trainer_get_step(ta, &step), ACLA_OK);
    CHECK(step == 6);
    double lr = 0;
    CHECK_STATUS(acla_trainer_get_learning_rate(ta, &lr), ACLA_OK);
    CHECK(lr - 5e-4 < 1e-15 && 5e-4 - lr < 1e-15);   /* halved after 4 steps */
    float *mean_after = params(a, "sub_mean.bias", 3);
    CHECK(memcmp(mean_before, mean_after, 3 * sizeof(float)) == 0);   /* MeanShift is frozen */

    /* a fresh model resumed from step 3 ends where the uninterrupted run ended, bit for bit */
    CHECK_STATUS(acla_model_create(tiny, &b), ACLA_OK);
    CHECK_STATUS(acla_trainer_create(b, NULL, &tb), ACLA_OK);
    CHECK_STATUS(acla_trainer_resume(tb, path_in_dir("t3.safetensors")), ACLA_OK);
    CHECK_STATUS(acla_trainer_get_step(tb, &step), ACLA_OK);
    CHECK(step == 3);
    for (int i = 0; i < 3; i++) CHECK_STATUS(acla_trainer_step(tb, input, N, 3, H, W, target, OUT, &loss), ACLA_OK);
    const char *names[] = {"head.0.weight", "attention.2.gate.weight", "attention.1.offset.bias", "tail.1.bias"};
    const size_t lens[] = {8 * 3 * 9, 8, 2 * 4 * 1, 3};
    for (int k = 0; k < 4; k++) {
        float *pa = params(a, names[k], lens[k]), *pb = params(b, names[k], lens[k]);
        CHECK(memcmp(pa, pb, lens[k] * sizeof(float)) == 0);
        free(pa);
        free(pb);
    }
    /* errors: shapes, alpha steps without a supernet, a failed step keeps the loss untouched */
    double kept = -7;
    CHECK_STATUS(acla_trainer_step(ta, input, N, 3, H, W, target, OUT - 1, &kept), ACLA_ERR_SHAPE);
    CHECK_MESSAGE_HAS("target_len");
    CHECK_STATUS(acla_trainer_step(ta, input, N, 1, H, W, target, OUT, &kept), ACLA_ERR_SHAPE);
    CHECK_STATUS(acla_trainer_alpha_step(ta, input, N, 3, H, W, target, OUT, &kept), ACLA_ERR_STATE);
    CHECK_STATUS(acla_trainer_set_learning_rate(ta, -1), ACLA_ERR_INVALID_ARGUMENT);
    CHECK(kept == -7);
    acla_trainer *bad = NULL;
    CHECK_STATUS(acla_trainer_create(a, "{\"optimizer\": {\"lr\": 1e-4, \"nesterov\": true}}", &bad), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("optimizer.nesterov");
    CHECK(bad == NULL);
    free(mean_before);
    free(mean_after);
    /* the trainer keeps its model alive */
    acla_model_destroy(a);
    CHECK_STATUS(acla_trainer_step(ta, input, N, 3, H, W, target, OUT, &loss), ACLA_OK);
    acla_trainer_destroy(ta);
    acla_trainer_destroy(tb);
    acla_model_destroy(b);
    acla_trainer_destroy(NULL);
}

static void test_search_alpha_steps(void) {
    const char *sup = "{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 3, \"features\": 6, "
                      "\"attention\": {\"kind\": \"acla\", \"positions\": \"all\", \"keys\": 2}}";
    acla_model *m = NULL;
    acla_trainer *t = NULL;
    CHECK_STATUS(acla_model_create(sup, &m), ACLA_OK);
    CHECK_STATUS(acla_trainer_create(m, "{\"cost_lambda\": 1000, \"alpha_optimizer\": {\"lr\": 0.5}, "
                                        "\"search\": {\"warmup_steps\": 1, \"search_steps\": 10}}", &t), ACLA_OK);
    double loss = 0;
    CHECK_STATUS(acla_trainer_alpha_step(t, input, N, 3, H, W, target, OUT, &loss), ACLA_ERR_STATE);   /* stage 1 */
    for (int i = 0; i < 12; i++) {
        CHECK_STATUS(acla_trainer_step(t, input, N, 3, H, W, target, OUT, &loss), ACLA_OK);
        CHECK_STATUS(acla_trainer_alpha_step(t, input, N, 3, H, W, target, OUT, &loss), ACLA_OK);
    }
    int32_t positions[3] = {-1, -1, -1}, count = -1;
    CHECK_STATUS(acla_model_search_positions(m, positions, 3, &count), ACLA_OK);
    CHECK(count == 0);   /* a huge lambda drops every module */
    int64_t alpha_steps = 0;
    CHECK_STATUS(acla_trainer_get_alpha_step(t, &alpha_steps), ACLA_OK);
    CHECK(alpha_steps == 12);
    acla_trainer_destroy(t);
    acla_model_destroy(m);
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/acla-ctrain-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    make_batch();
    test_steps_learn_and_resume();
    test_search_alpha_steps();
    unlink(path_in_dir("t3.safetensors"));
    rmdir(dir);
    CHECK_DONE("test_train");
}
