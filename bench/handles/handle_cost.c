/* The cost of the handle registry (issue 12): every call with a handle looks it up in a table
 * under a lock. Measures, per call, a function that does almost nothing but the lookup
 * (acla_model_attention_count on a model without attention), the same from 4 threads on one handle (the lock contended), a
 * call with no handle (acla_get_num_threads, the floor of a call into the library) and the
 * smallest forward pass it guards (EDSR, 1 block, 4 features, 1x3x8x8). Medians of 9 runs.
 * Build: cc -O2 -std=c11 handle_cost.c $(pkg-config --cflags --libs acla) -o handle_cost */
#define _POSIX_C_SOURCE 200809L
#include <acla.h>
#include <stdio.h>
#include <stdlib.h>
#include <threads.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, n, sizeof *v, cmp);
    return v[n / 2];
}

static acla_model *model;
enum { LOOKUPS = 2000000, RUNS = 9 };

static int lookups(void *arg) {
    int32_t n = 0;
    uint64_t sum = 0;
    for (int i = 0; i < LOOKUPS; i++) {
        acla_model_attention_count(model, &n);
        sum += (uint64_t)n + 1;
    }
    *(uint64_t *)arg = sum;
    return 0;
}

int main(void) {
    acla_set_num_threads(1);
    if (acla_model_create("{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 1, \"features\": 4}", &model) != ACLA_OK) return 1;
    double one[RUNS], four[RUNS], floor_[RUNS], fwd[RUNS];
    uint64_t sink[4];
    for (int r = 0; r < RUNS; r++) {
        double t = now();
        lookups(&sink[0]);
        one[r] = (now() - t) / LOOKUPS * 1e9;
        thrd_t th[4];
        t = now();
        for (int i = 0; i < 4; i++) thrd_create(&th[i], lookups, &sink[i]);
        for (int i = 0; i < 4; i++) thrd_join(th[i], NULL);
        four[r] = (now() - t) / (4.0 * LOOKUPS) * 1e9;
        volatile int32_t x = 0;
        t = now();
        for (int i = 0; i < LOOKUPS; i++) x += acla_get_num_threads();
        floor_[r] = (now() - t) / LOOKUPS * 1e9;
        float in[3 * 8 * 8], out[3 * 16 * 16];
        for (int i = 0; i < 192; i++) in[i] = (float)(i % 255);
        t = now();
        for (int i = 0; i < 200; i++) acla_model_forward(model, in, 1, 3, 8, 8, out, 768);
        fwd[r] = (now() - t) / 200 * 1e9;
    }
    double a = median(one, RUNS), b = median(four, RUNS), c = median(floor_, RUNS), d = median(fwd, RUNS);
    printf("acla_model_attention_count (lookup + boundary), 1 thread:   %8.1f ns/call\n", a);
    printf("the same, 4 threads on one handle (wall time / calls):      %8.1f ns/call\n", b);
    printf("acla_get_num_threads (no handle, no boundary):              %8.1f ns/call\n", c);
    printf("smallest forward (EDSR 1x4, 1x3x8x8), 1 thread:             %8.0f ns/call\n", d);
    printf("lookup call / smallest forward:                             %8.5f\n", a / d);
    acla_model_destroy(model);
    return 0;
}
