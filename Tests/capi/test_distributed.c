/* acla_trainer_set_communicator from C: two "ranks" on two threads of this process, joined by
 * an all-reduce over a pthread barrier, each stepping on its half of the batch, end with the
 * parameters of one trainer stepping on the whole batch (within float rounding), and the same on
 * both ranks; a failing all-reduce is ACLA_ERR_STATE and changes nothing. */
#define _POSIX_C_SOURCE 200809L
#include <acla.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"

#define N 2
#define H 6
#define W 6
#define PER_IN (3 * H * W)
#define PER_OUT (3 * 2 * H * 2 * W)
#define STEPS 3
static float input[N * PER_IN], target[N * PER_OUT];
static const char *tiny = "{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 2, \"features\": 8, "
                          "\"attention\": {\"kind\": \"acla\", \"positions\": [1, 2], \"keys\": 4}, \"seed\": 3}";
static const char *opts = "{\"optimizer\": {\"lr\": 1e-3}, \"seed\": 9}";

static pthread_barrier_t barrier;
static float *posted[2];
static double seen_timeout[2];

/* Sums both ranks' buffers in rank order (the same result on both), like MPI_Allreduce. */
static int32_t allreduce(void *user, float *buffer, size_t count, double timeout) {
    int rank = (int)(intptr_t)user;
    seen_timeout[rank] = timeout;
    posted[rank] = buffer;
    pthread_barrier_wait(&barrier);
    float *sum = malloc(count * sizeof(float) + 1);
    for (size_t i = 0; i < count; i++) sum[i] = posted[0][i] + posted[1][i];
    pthread_barrier_wait(&barrier);   /* both have read both buffers */
    memcpy(buffer, sum, count * sizeof(float));
    free(sum);
    return 0;
}

static int32_t failing(void *user, float *buffer, size_t count, double timeout) {
    (void)user, (void)buffer, (void)count, (void)timeout;
    return 3;
}

static float *weights(acla_model *m, size_t *len) {
    float *p = calloc(8 * 8 * 9, sizeof(float));
    CHECK_STATUS(acla_model_get_parameter(m, "body.0.body.0.weight", p, 8 * 8 * 9), ACLA_OK);
    *len = 8 * 8 * 9;
    return p;
}

struct rank_run { int rank; acla_model *model; };

static void *rank_main(void *arg) {
    struct rank_run *r = arg;
    acla_trainer *t = NULL;
    double loss = 0;
    CHECK_STATUS(acla_trainer_create(r->model, opts, &t), ACLA_OK);
    CHECK_STATUS(acla_trainer_set_communicator(t, r->rank, 2, allreduce, (void *)(intptr_t)r->rank, 100, 5.0), ACLA_OK);
    for (int s = 0; s < STEPS; s++)
        CHECK_STATUS(acla_trainer_step(t, input + r->rank * PER_IN, 1, 3, H, W, target + r->rank * PER_OUT, PER_OUT, &loss), ACLA_OK);
    acla_trainer_destroy(t);
    return NULL;
}

int main(void) {
    for (int i = 0; i < N * PER_IN; i++) input[i] = (float)((i * 37) % 251);
    for (int i = 0; i < N * PER_OUT; i++) target[i] = (float)((i * 53) % 241);
    acla_model *single = NULL, *ranks[2] = {NULL, NULL};
    CHECK_STATUS(acla_model_create(tiny, &single), ACLA_OK);
    acla_trainer *t = NULL;
    double loss = 0;
    CHECK_STATUS(acla_trainer_create(single, opts, &t), ACLA_OK);
    for (int s = 0; s < STEPS; s++) CHECK_STATUS(acla_trainer_step(t, input, N, 3, H, W, target, N * PER_OUT, &loss), ACLA_OK);

    pthread_barrier_init(&barrier, NULL, 2);
    pthread_t threads[2];
    struct rank_run runs[2];
    for (int r = 0; r < 2; r++) {
        CHECK_STATUS(acla_model_create(tiny, &ranks[r]), ACLA_OK);
        runs[r] = (struct rank_run){r, ranks[r]};
        pthread_create(&threads[r], NULL, rank_main, &runs[r]);
    }
    for (int r = 0; r < 2; r++) pthread_join(threads[r], NULL);
    CHECK(seen_timeout[0] == 5.0 && seen_timeout[1] == 5.0);
    size_t len = 0;
    float *a = weights(single, &len), *b0 = weights(ranks[0], &len), *b1 = weights(ranks[1], &len);
    float worst = 0;
    for (size_t i = 0; i < len; i++) {
        float d = a[i] > b0[i] ? a[i] - b0[i] : b0[i] - a[i];
        if (d > worst) worst = d;
    }
    CHECK(worst < 1e-5f);                              /* float rounding of the summation order */
    CHECK(memcmp(b0, b1, len * sizeof(float)) == 0);   /* both ranks hold the same parameters */

    /* a failing all-reduce: ACLA_ERR_STATE naming the code, nothing changed */
    CHECK_STATUS(acla_trainer_set_communicator(t, 0, 2, failing, NULL, 0, 0), ACLA_OK);
    CHECK_STATUS(acla_trainer_step(t, input, 1, 3, H, W, target, PER_OUT, &loss), ACLA_ERR_STATE);
    CHECK_MESSAGE_HAS("returned 3");
    float *after = weights(single, &len);
    CHECK(memcmp(a, after, len * sizeof(float)) == 0);
    CHECK_STATUS(acla_trainer_set_communicator(t, 2, 2, allreduce, NULL, 0, 0), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_trainer_set_communicator(NULL, 0, 1, allreduce, NULL, 0, 0), ACLA_ERR_INVALID_ARGUMENT);
    free(a), free(b0), free(b1), free(after);
    acla_trainer_destroy(t);
    for (int r = 0; r < 3; r++) acla_model_destroy(r < 2 ? ranks[r] : single);
    pthread_barrier_destroy(&barrier);
    CHECK_DONE("test_distributed");
}
