// Whether a thread count can run at all, checked before acla_set_num_threads accepts it: libomp
// aborts the whole process when it cannot create a worker (OMP Error #34), so the library starts
// the same number of plain threads first, with libomp's stack size, each allocating as a worker
// does, all alive at once; any failure is reported instead of accepted.
#define _GNU_SOURCE
#include "acla_kernels.h"
#include <cblas.h>
#include <errno.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int ready;      // trial threads that have allocated and wait
    int failed;     // the first allocation failure in a trial thread (errno), or 0
    int release;    // set by the caller when every thread has started (or one could not)
} trial_state;

// What a worker does first: its stack is mapped by pthread_create; it gets a malloc arena on its
// first allocation (kernels allocate scratch inside parallel regions).
static void *trial_thread(void *arg) {
    trial_state *s = arg;
    void *p = malloc(1 << 20);
    pthread_mutex_lock(&s->lock);
    if (!p && !s->failed) s->failed = ENOMEM;
    s->ready++;
    pthread_cond_broadcast(&s->changed);
    while (!s->release) pthread_cond_wait(&s->changed, &s->lock);
    pthread_mutex_unlock(&s->lock);
    free(p);
    return NULL;
}

int ak_thread_trial(int n, int *started) {
    *started = 1;
    if (n <= 1) return 0;
    trial_state s;
    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.lock, NULL);
    pthread_cond_init(&s.changed, NULL);
    pthread_t *threads = calloc((size_t)n, sizeof *threads);
    if (!threads) return ENOMEM;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    size_t stack = kmp_get_stacksize_s();
    if (stack > 0) pthread_attr_setstacksize(&attr, stack);
    int created = 0, error = 0;
    for (; created < n - 1; created++) {
        error = pthread_create(&threads[created], &attr, trial_thread, &s);
        if (error) break;
    }
    pthread_mutex_lock(&s.lock);
    while (!error && s.ready < created) pthread_cond_wait(&s.changed, &s.lock);
    if (!error && s.failed) error = s.failed;
    s.release = 1;
    pthread_cond_broadcast(&s.changed);
    pthread_mutex_unlock(&s.lock);
    for (int i = 0; i < created; i++) pthread_join(threads[i], NULL);
    pthread_attr_destroy(&attr);
    pthread_mutex_destroy(&s.lock);
    pthread_cond_destroy(&s.changed);
    free(threads);
    *started = error ? created + 1 : n;
    return error;
}

// After a successful trial: makes libomp start the calling thread's team of n now, each worker
// taking its malloc arena, so the count's first forward finds them running (libomp keeps a team's
// workers for later regions, in the hot team or its pool) instead of creating them then, when
// memory taken in between could make libomp abort. Returns the threads that ran the region.
int ak_thread_warm_team(int n) {
    int ran = 0;
    if (n < 1) return 0;
#pragma omp parallel num_threads(n)
    {
        void *volatile p = malloc(64);
        free(p);
#pragma omp atomic
        ran++;
    }
    return ran;
}

// OpenBLAS keeps a fixed table of 2 x MAX_THREADS memory buffers (its build setting), one per GEMM
// call running at once; every kernel thread may be in a GEMM, and more concurrent calls than the
// table holds abort or hang inside OpenBLAS. The build's MAX_THREADS is in its config string.
int ak_blas_buffer_slots(void) {
    const char *config = openblas_get_config();
    const char *key = config ? strstr(config, "MAX_THREADS=") : NULL;
    long threads = key ? strtol(key + strlen("MAX_THREADS="), NULL, 10) : 0;
    if (threads < 1 || threads > 1 << 20) threads = 64;   // Debian's build, when unknown
    return (int)(2 * threads);
}
