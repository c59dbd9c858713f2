/* Threads under load (issue 12): 4 threads with a model each, then 4 threads on one shared model,
 * 200 forwards each on random sizes; every output must equal, bit for bit, the output of the same
 * call made alone beforehand. Meanwhile another thread calls the functions documented as safe
 * during a forward (read-only queries, set_probe, set_attention_memory_limit) and functions
 * without a handle (resize, noise, PSNR), whose results must not change. Also run under
 * ThreadSanitizer by hand (docs/RELIABILITY.md). ACLA_STRESS_CALLS overrides the 200,
 * ACLA_STRESS_KERNEL_THREADS the 2 kernel threads of each call (1 under ThreadSanitizer, which
 * cannot see libomp's barriers and would report every kernel's workers). pthreads, not C11
 * threads: glibc's thrd_create bypasses ThreadSanitizer's pthread_create interceptor. */
#define _POSIX_C_SOURCE 200809L
#include <acla.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include "check.h"

enum { THREADS = 4, MAX_SIDE = 20, MAX_BATCH = 2 };
static int calls = 200;

static const char *configs[THREADS] = {
    "{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 2, \"features\": 8, \"attention\": {\"kind\": \"acla\", \"positions\": [1, 2], \"keys\": 3}, \"seed\": 1}",
    "{\"backbone\": \"edsr\", \"scale\": 3, \"blocks\": 2, \"features\": 8, \"attention\": {\"kind\": \"cla\", \"positions\": [2], \"keys\": 2}, \"seed\": 2}",
    "{\"backbone\": \"rcan\", \"scale\": 2, \"groups\": 2, \"blocks\": 1, \"features\": 8, \"reduction\": 4, \"attention\": {\"kind\": \"se\", \"positions\": [1]}, \"seed\": 3}",
    "{\"backbone\": \"edsr\", \"task\": \"denoise\", \"channels\": 1, \"blocks\": 2, \"features\": 8, \"attention\": {\"kind\": \"nl\", \"positions\": [1]}, \"seed\": 4}",
};

typedef struct { int n, h, w; uint64_t seed; } job;

static uint64_t mix(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static job job_of(int thread, int i) {
    uint64_t r = mix((uint64_t)thread * 1000003u + (uint64_t)i);
    job j = {1 + (int)(r % MAX_BATCH), 3 + (int)((r >> 8) % (MAX_SIDE - 2)), 3 + (int)((r >> 16) % (MAX_SIDE - 2)), r};
    return j;
}

/* Runs one job on m; returns a 64-bit FNV-1a hash of the output bytes, 0 on failure. */
static uint64_t run(acla_model *m, int channels, job j) {
    int32_t oc = 0, oh = 0, ow = 0;
    if (acla_model_output_size(m, j.h, j.w, &oc, &oh, &ow) != ACLA_OK) return 0;
    size_t in_n = (size_t)j.n * channels * j.h * j.w, out_n = (size_t)j.n * oc * oh * ow;
    float *in = malloc(in_n * sizeof *in), *out = malloc(out_n * sizeof *out);
    uint64_t hash = 0;
    if (in && out) {
        uint64_t x = j.seed;
        for (size_t i = 0; i < in_n; i++) { x = mix(x); in[i] = (float)(x % 25600) / 100.0f; }
        if (acla_model_forward(m, in, j.n, channels, j.h, j.w, out, out_n) == ACLA_OK) {
            hash = 1469598103934665603ull;
            const unsigned char *b = (const unsigned char *)out;
            for (size_t i = 0; i < out_n * sizeof *out; i++) hash = (hash ^ b[i]) * 1099511628211ull;
            if (hash == 0) hash = 1;
        } else {
            fprintf(stderr, "forward %dx%dx%d failed: %s\n", j.n, j.h, j.w, acla_last_error_message());
        }
    }
    free(in);
    free(out);
    return hash;
}

typedef struct {
    acla_model *model;      /* shared, or NULL: the thread creates its own from config */
    const char *config;
    int channels, index;
    const uint64_t *expected;
    int mismatches;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    acla_model *m = w->model;
    if (!m && acla_model_create(w->config, &m) != ACLA_OK) { w->mismatches = calls; return NULL; }
    for (int i = 0; i < calls; i++) {
        if (run(m, w->channels, job_of(w->index, i)) != w->expected[i]) w->mismatches++;
    }
    if (!w->model) acla_model_destroy(m);
    return NULL;
}

static atomic_int stop;

/* Functions without a handle ("safe from any thread"): a resize, a noise and a PSNR of fixed
 * images; returns a hash of their results, the same on every thread and every call. */
static uint64_t imaging_hash(void) {
    enum { H = 9, W = 7 };
    uint8_t src[H * W * 3], big[18 * 14 * 3], noisy[H * W * 3];
    for (int i = 0; i < H * W * 3; i++) src[i] = (uint8_t)(i * 37 % 256);
    double psnr = 0;
    if (acla_resize_bicubic(src, sizeof src, 3, H, W, 2.0, ACLA_BOUNDARY_SYMMETRIC, big, sizeof big) != ACLA_OK) return 0;
    if (acla_degrade_noise_u8(src, noisy, sizeof src, 3, H, W, 15.0, 7) != ACLA_OK) return 0;
    if (acla_psnr(src, noisy, sizeof src, 3, H, W, 0, ACLA_MEASURE_Y, &psnr) != ACLA_OK) return 0;
    uint64_t hash = 1469598103934665603ull;
    for (size_t i = 0; i < sizeof big; i++) hash = (hash ^ big[i]) * 1099511628211ull;
    for (size_t i = 0; i < sizeof noisy; i++) hash = (hash ^ noisy[i]) * 1099511628211ull;
    const unsigned char *b = (const unsigned char *)&psnr;
    for (size_t i = 0; i < sizeof psnr; i++) hash = (hash ^ b[i]) * 1099511628211ull;
    return hash;
}
static uint64_t imaging_expected;

/* The calls documented as safe while forwards run on the same model. */
static void *bystander(void *arg) {
    acla_model *m = arg;
    int32_t count = 0;
    uint64_t n = 0;
    size_t needed = 0;
    char buf[4096];
    for (int i = 0; !atomic_load(&stop); i++) {
        int ok = acla_model_parameter_count(m, &n) == ACLA_OK && acla_model_attention_count(m, &count) == ACLA_OK
                 && acla_model_config(m, buf, sizeof buf, &needed) == ACLA_OK
                 && acla_model_set_probe(m, i % 2 ? 1 : -1, i % 2 ? 2 : -1) == ACLA_OK
                 && acla_model_set_attention_memory_limit(m, 1u << 30) == ACLA_OK;
        if (!ok) { fprintf(stderr, "bystander: %s\n", acla_last_error_message()); return (void *)1; }
        double fraction;
        acla_status s = acla_model_attention_open_fraction(m, 0, &fraction);
        if (s != ACLA_OK && s != ACLA_ERR_STATE) return (void *)1;
        if (imaging_hash() != imaging_expected) { fprintf(stderr, "bystander: imaging result changed\n"); return (void *)1; }
        sched_yield();
    }
    return NULL;
}

/* Forwards until the handle is destroyed under it: each call either succeeds with the right
 * output or, once the handle is gone, fails with ACLA_ERR_INVALID_ARGUMENT. */
typedef struct { acla_model *model; const uint64_t *expected; int ok, refused, wrong; } racer;

static void *race(void *arg) {
    racer *r = arg;
    for (int i = 0; i < calls; i++) {
        job j = job_of(THREADS, i);
        int32_t oc = 0, oh = 0, ow = 0;
        float in[1], out[1];
        uint64_t h = run(r->model, 3, j);
        if (h == r->expected[i]) { r->ok++; continue; }
        /* run() failed: the handle must be dead now, and stay dead */
        if (acla_model_output_size(r->model, 4, 4, &oc, &oh, &ow) == ACLA_ERR_INVALID_ARGUMENT
            && acla_model_forward(r->model, in, 1, 3, 1, 1, out, 1) == ACLA_ERR_INVALID_ARGUMENT) {
            r->refused++;
            return NULL;
        }
        r->wrong++;
    }
    return NULL;
}

static int channels_of(int i) { return i == 3 ? 1 : 3; }

int main(void) {
    const char *env = getenv("ACLA_STRESS_CALLS");
    if (env && atoi(env) > 0) calls = atoi(env);
    const char *kernel_env = getenv("ACLA_STRESS_KERNEL_THREADS");
    CHECK_STATUS(acla_set_num_threads(kernel_env && atoi(kernel_env) > 0 ? atoi(kernel_env) : 2), ACLA_OK);
    uint64_t *expected = calloc((size_t)THREADS * 2 * calls, sizeof *expected);
    imaging_expected = imaging_hash();
    CHECK(imaging_expected != 0);
    acla_model *models[THREADS] = {0};
    /* references: every job alone, in order, on the calling thread */
    for (int t = 0; t < THREADS; t++) {
        CHECK_STATUS(acla_model_create(configs[t], &models[t]), ACLA_OK);
        for (int i = 0; i < calls; i++) {
            expected[t * calls + i] = run(models[t], channels_of(t), job_of(t, i));
            expected[(THREADS + t) * calls + i] = run(models[0], 3, job_of(THREADS + t, i));
            CHECK(expected[t * calls + i] != 0 && expected[(THREADS + t) * calls + i] != 0);
        }
    }
    /* 1: a model per thread (created in the thread) */
    worker own[THREADS];
    pthread_t th[THREADS + 1];
    for (int t = 0; t < THREADS; t++) {
        own[t] = (worker){NULL, configs[t], channels_of(t), t, expected + t * calls, 0};
        CHECK(pthread_create(&th[t], NULL, work, &own[t]) == 0);
    }
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    for (int t = 0; t < THREADS; t++) {
        if (own[t].mismatches) fprintf(stderr, "own model %d: %d of %d outputs differ\n", t, own[t].mismatches, calls);
        CHECK(own[t].mismatches == 0);
    }
    /* 2: one shared ACLA model, and a bystander on it */
    worker shared[THREADS];
    atomic_store(&stop, 0);
    CHECK(pthread_create(&th[THREADS], NULL, bystander, models[0]) == 0);
    for (int t = 0; t < THREADS; t++) {
        shared[t] = (worker){models[0], NULL, 3, THREADS + t, expected + (THREADS + t) * calls, 0};
        CHECK(pthread_create(&th[t], NULL, work, &shared[t]) == 0);
    }
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    atomic_store(&stop, 1);
    void *rc = (void *)1;
    pthread_join(th[THREADS], &rc);
    CHECK(rc == NULL);
    for (int t = 0; t < THREADS; t++) {
        if (shared[t].mismatches) fprintf(stderr, "shared model, thread %d: %d of %d outputs differ\n", t, shared[t].mismatches, calls);
        CHECK(shared[t].mismatches == 0);
    }
    /* 3: the shared model destroyed while 4 threads run forwards on it */
    racer racers[THREADS];
    for (int t = 0; t < THREADS; t++) {
        racers[t] = (racer){models[0], expected + THREADS * calls, 0, 0, 0};
        CHECK(pthread_create(&th[t], NULL, race, &racers[t]) == 0);
    }
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
    acla_model_destroy(models[0]);
    for (int t = 0; t < THREADS; t++) {
        pthread_join(th[t], NULL);
        CHECK(racers[t].wrong == 0);
    }
    for (int t = 1; t < THREADS; t++) acla_model_destroy(models[t]);
    free(expected);
    CHECK_DONE("test_stress");
}
