/* Issue 12 through the C interface: destroyed and garbage handles, the thread cap and a count the
 * process cannot start, non-finite checkpoints, and writes that fail or are killed half-way. */
#define _GNU_SOURCE
#include <acla.h>
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static const char *tiny = "{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 1, \"features\": 4, \"seed\": 2}";
static char dir[64];

static const char *in_dir(const char *name) {
    static char buf[4][160];
    static int which = 0;
    which = (which + 1) % 4;
    snprintf(buf[which], sizeof buf[which], "%s/%s", dir, name);
    return buf[which];
}

static int forward_ok(acla_model *m) {
    float in[3 * 5 * 4], out[3 * 10 * 8];
    for (int i = 0; i < 60; i++) in[i] = (float)((i * 29) % 256);
    return acla_model_forward(m, in, 1, 3, 5, 4, out, 240) == ACLA_OK;
}

static void test_handles(void) {
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create(tiny, &m), ACLA_OK);
    CHECK(forward_ok(m));
    acla_model_destroy(m);
    float in[60] = {0}, out[240];
    uint64_t n = 77;
    size_t needed = 0;
    CHECK_STATUS(acla_model_forward(m, in, 1, 3, 5, 4, out, 240), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("not a live model");
    CHECK_STATUS(acla_model_parameter_count(m, &n), ACLA_ERR_INVALID_ARGUMENT);
    CHECK(n == 77);
    CHECK_STATUS(acla_model_config(m, NULL, 0, &needed), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_save(m, in_dir("never.safetensors")), ACLA_ERR_INVALID_ARGUMENT);
    CHECK(access(in_dir("never.safetensors"), F_OK) != 0);
    acla_model_destroy(m);   /* twice: ignored */

    /* the slot is reused by the next model; the stale handle still refers to nothing */
    acla_model *fresh = NULL;
    CHECK_STATUS(acla_model_create(tiny, &fresh), ACLA_OK);
    CHECK(fresh != m);
    CHECK_STATUS(acla_model_parameter_count(m, &n), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_model_parameter_count(fresh, &n), ACLA_OK);

    /* never handles: a pointer to real memory, small integers, all bits set */
    static unsigned char junk[4096];
    memset(junk, 0x41, sizeof junk);
    void *garbage[] = {junk, (void *)1, (void *)(uintptr_t)0xDEADBEEF, (void *)UINTPTR_MAX, &n};
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        CHECK_STATUS(acla_model_forward((acla_model *)garbage[i], in, 1, 3, 5, 4, out, 240), ACLA_ERR_INVALID_ARGUMENT);
        CHECK_MESSAGE_HAS("model");
        acla_model_destroy((acla_model *)garbage[i]);
    }
    CHECK(forward_ok(fresh));

    /* the trainer and restore-options handles share the registry: destroyed and wrong-kind handles */
    acla_trainer *trainer = NULL;
    acla_restore_options *options = NULL;
    int64_t step = -3;
    int32_t tile = -3, overlap = -3;
    CHECK_STATUS(acla_trainer_create(fresh, NULL, &trainer), ACLA_OK);
    CHECK_STATUS(acla_restore_options_create(&options), ACLA_OK);
    CHECK_STATUS(acla_trainer_get_step(trainer, &step), ACLA_OK);
    CHECK_STATUS(acla_restore_options_get_tile(options, &tile, &overlap), ACLA_OK);
    CHECK_STATUS(acla_trainer_get_step((acla_trainer *)fresh, &step), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("is a model handle, not a trainer");
    CHECK_STATUS(acla_model_parameter_count((acla_model *)trainer, &n), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("is a trainer handle, not a model");
    acla_trainer_destroy(trainer);
    acla_restore_options_destroy(options);
    step = -3;
    CHECK_STATUS(acla_trainer_get_step(trainer, &step), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("not a live trainer");
    CHECK(step == -3);
    CHECK_STATUS(acla_restore_options_get_tile(options, &tile, &overlap), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("not a live restore options");
    acla_trainer_destroy(trainer);
    acla_restore_options_destroy(options);
    acla_model_destroy(fresh);
}

/* The memory limit: a forward whose estimated working set is over it is refused before any
 * allocation, naming the estimate; 0 restores the default (the physical memory). */
static void test_memory_limit(void) {
    uint64_t physical = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
    CHECK(acla_get_memory_limit() == physical);
    CHECK_STATUS(acla_set_memory_limit(UINT64_MAX), ACLA_ERR_INVALID_ARGUMENT);
    CHECK(acla_get_memory_limit() == physical);
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"task\": \"denoise\", \"blocks\": 1, \"features\": 8}", &m), ACLA_OK);
    static float in[3 * 200 * 200], out[3 * 200 * 200];
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) in[i] = (float)(i * 7919 % 256);
    CHECK_STATUS(acla_set_memory_limit(1u << 20), ACLA_OK);
    CHECK(acla_get_memory_limit() == 1u << 20);
    out[0] = -1;
    CHECK_STATUS(acla_model_forward(m, in, 1, 3, 200, 200, out, sizeof out / sizeof out[0]), ACLA_ERR_OUT_OF_MEMORY);
    CHECK_MESSAGE_HAS("estimated");
    CHECK_MESSAGE_HAS("1048576 bytes");
    CHECK(out[0] == -1);
    CHECK_STATUS(acla_set_memory_limit(0), ACLA_OK);
    CHECK(acla_get_memory_limit() == physical);
    CHECK_STATUS(acla_model_forward(m, in, 1, 3, 200, 200, out, sizeof out / sizeof out[0]), ACLA_OK);
    acla_model_destroy(m);
}

static void test_threads(void) {
    int32_t before = acla_get_num_threads(), cap = acla_get_max_threads();
    CHECK(cap >= 1 && cap <= 256);
    CHECK_STATUS(acla_set_num_threads(cap + 1), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(acla_set_num_threads(1000), ACLA_ERR_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("1000");
    CHECK(acla_get_num_threads() == before);

    /* room for a few thread stacks only: the cap is refused, not an abort in libomp (skipped under
     * valgrind, which needs the address space itself) */
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create(tiny, &m), ACLA_OK);
    if (getenv("ACLA_MEMCHECK")) { acla_model_destroy(m); return; }
    struct rlimit saved;
    getrlimit(RLIMIT_AS, &saved);
    long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) { if (fscanf(f, "%ld", &pages) != 1) pages = 0; fclose(f); }
    struct rlimit tight = saved;
    tight.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (64u << 20);
    CHECK(setrlimit(RLIMIT_AS, &tight) == 0);
    CHECK_STATUS(acla_set_num_threads(cap), ACLA_ERR_OUT_OF_MEMORY);
    CHECK_MESSAGE_HAS("could start");
    setrlimit(RLIMIT_AS, &saved);
    CHECK(acla_get_num_threads() == before);
    CHECK(forward_ok(m));
    CHECK_STATUS(acla_set_num_threads(cap < 4 ? cap : 4), ACLA_OK);
    CHECK(forward_ok(m));
    CHECK_STATUS(acla_set_num_threads(before), ACLA_OK);
    acla_model_destroy(m);
}

static long file_size(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static unsigned char *slurp(const char *path, long *n) {
    *n = file_size(path);
    if (*n < 0) return NULL;
    unsigned char *b = malloc((size_t)*n + 1);
    FILE *f = fopen(path, "rb");
    if (!b || !f || fread(b, 1, (size_t)*n, f) != (size_t)*n) { free(b); b = NULL; }
    if (f) fclose(f);
    return b;
}

static void spit(const char *path, const unsigned char *b, long n) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    CHECK(fwrite(b, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
}

static void test_non_finite_checkpoint(void) {
    acla_model *m = NULL, *back = NULL;
    CHECK_STATUS(acla_model_create(tiny, &m), ACLA_OK);
    CHECK_STATUS(acla_model_save(m, in_dir("finite.safetensors")), ACLA_OK);
    long n = 0;
    unsigned char *b = slurp(in_dir("finite.safetensors"), &n);
    CHECK(b != NULL);
    if (!b) return;
    /* the last tensor's last value is the file's last 4 bytes */
    float nan = NAN;
    memcpy(b + n - 4, &nan, 4);
    spit(in_dir("nan.safetensors"), b, n);
    CHECK_STATUS(acla_model_load(in_dir("nan.safetensors"), NULL, &back), ACLA_ERR_FORMAT);
    CHECK_MESSAGE_HAS("not finite");
    CHECK(back == NULL);
    free(b);
    acla_model_destroy(m);
}

/* Incompressible pixels, so the encoded files are as large as the raw ones. */
static void noise(uint8_t *p, size_t n) {
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        p[i] = (uint8_t)(x >> 56);
    }
}

/* Entries of dir other than the ones the test made: leftovers of a failed write. */
static int stray_files(void) {
    DIR *d = opendir(dir);
    int stray = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strstr(e->d_name, ".acla-tmp-") || strstr(e->d_name, ".tmp-")) stray++;
    }
    if (d) closedir(d);
    return stray;
}

static void write_victim(const char *name, unsigned char **old, long *old_n) {
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create(tiny, &m), ACLA_OK);
    CHECK_STATUS(acla_model_save(m, in_dir(name)), ACLA_OK);
    acla_model_destroy(m);
    *old = slurp(in_dir(name), old_n);
}

/* A write that hits RLIMIT_FSIZE (a full disk, as the process sees it): ACLA_ERR_IO, the old
 * file intact, no temporary file. */
static void test_failed_writes(void) {
    const char *big = "{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 4, \"features\": 32}";
    acla_model *m = NULL;
    CHECK_STATUS(acla_model_create(big, &m), ACLA_OK);
    unsigned char *old = NULL;
    long old_n = 0;
    write_victim("victim.safetensors", &old, &old_n);
    static uint8_t pixels[64 * 64 * 3];
    noise(pixels, sizeof pixels);
    CHECK_STATUS(acla_image_write(in_dir("victim.png"), pixels, 16 * 16 * 3, 3, 16, 16, 0), ACLA_OK);
    long png_n = 0;
    unsigned char *png = slurp(in_dir("victim.png"), &png_n);

    signal(SIGXFSZ, SIG_IGN);   /* write(2) then fails with EFBIG instead of killing us */
    struct rlimit saved, small;
    getrlimit(RLIMIT_FSIZE, &saved);
    small = saved;
    small.rlim_cur = 4096;
    CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
    CHECK_STATUS(acla_model_save(m, in_dir("victim.safetensors")), ACLA_ERR_IO);
    CHECK_STATUS(acla_image_write(in_dir("victim.png"), pixels, sizeof pixels, 3, 64, 64, 0), ACLA_ERR_IO);
    CHECK_STATUS(acla_image_write(in_dir("victim.jpg"), pixels, sizeof pixels, 3, 64, 64, 100), ACLA_ERR_IO);
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, SIG_DFL);

    long now_n = 0;
    unsigned char *now = slurp(in_dir("victim.safetensors"), &now_n);
    CHECK(now && now_n == old_n && memcmp(now, old, (size_t)old_n) == 0);
    free(now);
    now = slurp(in_dir("victim.png"), &now_n);
    CHECK(now && now_n == png_n && memcmp(now, png, (size_t)png_n) == 0);
    free(now);
    CHECK(access(in_dir("victim.jpg"), F_OK) != 0);
    CHECK(stray_files() == 0);
    acla_model *back = NULL;
    CHECK_STATUS(acla_model_load(in_dir("victim.safetensors"), NULL, &back), ACLA_OK);
    acla_model_destroy(back);
    free(old);
    free(png);
    acla_model_destroy(m);
}

/* A process killed in the middle of writing (SIGXFSZ's default action when the file passes
 * RLIMIT_FSIZE: death inside write(2)): the old file intact, nothing left beside it. */
static void test_killed_writes(void) {
    unsigned char *old = NULL;
    long old_n = 0;
    write_victim("killed.safetensors", &old, &old_n);
    for (int what = 0; what < 2; what++) {
        pid_t child = fork();
        if (child == 0) {
            struct rlimit small = {65536, 65536};
            setrlimit(RLIMIT_FSIZE, &small);
            acla_model *m = NULL;
            if (acla_model_create("{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 4, \"features\": 32}", &m) != ACLA_OK) _exit(3);
            uint8_t *pixels = calloc(512 * 512 * 3, 1);
            if (pixels) noise(pixels, 512 * 512 * 3);
            if (what == 0) acla_model_save(m, in_dir("killed.safetensors"));
            else if (pixels) acla_image_write(in_dir("killed.png"), pixels, 512 * 512 * 3, 3, 512, 512, 0);
            _exit(0);   /* reached only if the write was not killed */
        }
        int status = 0;
        CHECK(waitpid(child, &status, 0) == child);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ);
    }
    long now_n = 0;
    unsigned char *now = slurp(in_dir("killed.safetensors"), &now_n);
    CHECK(now && now_n == old_n && memcmp(now, old, (size_t)old_n) == 0);
    CHECK(access(in_dir("killed.png"), F_OK) != 0);
    CHECK(stray_files() == 0);
    free(now);
    free(old);
}

int main(void) {
    strcpy(dir, "/tmp/acla-test-reliability-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    test_handles();
    test_threads();
    test_memory_limit();
    test_non_finite_checkpoint();
    test_failed_writes();
    test_killed_writes();
    const char *files[] = {"finite.safetensors", "nan.safetensors", "victim.safetensors", "victim.png", "victim.jpg",
                           "killed.safetensors", "killed.png", "never.safetensors"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) unlink(in_dir(files[i]));
    CHECK(rmdir(dir) == 0);   /* fails if anything was left behind */
    CHECK_DONE("test_reliability");
}
