// LD_PRELOAD shim for bench/engine/memory.py: counts large (>= 64 KiB) malloc/calloc/realloc
// calls, the tensor-sized ones, so "allocations per forward" can be read before and after a change.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdatomic.h>

static atomic_long large_allocations;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
#define LARGE (64 * 1024)

// dlsym itself may call calloc: serve it from a static buffer until the real one is known
static char bootstrap[4096];
static size_t bootstrap_used;

void *malloc(size_t n) {
    if (!real_malloc) real_malloc = dlsym(RTLD_NEXT, "malloc");
    if (n >= LARGE) atomic_fetch_add(&large_allocations, 1);
    return real_malloc(n);
}

void *calloc(size_t a, size_t b) {
    if (!real_calloc) {
        static int resolving;
        if (resolving) { void *p = bootstrap + bootstrap_used; bootstrap_used += (a * b + 15) & ~15UL; return p; }
        resolving = 1;
        real_calloc = dlsym(RTLD_NEXT, "calloc");
        resolving = 0;
    }
    if (a * b >= LARGE) atomic_fetch_add(&large_allocations, 1);
    return real_calloc(a, b);
}

void *realloc(void *p, size_t n) {
    if (!real_realloc) real_realloc = dlsym(RTLD_NEXT, "realloc");
    if (n >= LARGE) atomic_fetch_add(&large_allocations, 1);
    return real_realloc(p, n);
}

long acla_bench_large_allocations(void) { return atomic_load(&large_allocations); }
