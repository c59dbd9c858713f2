/* Persistent-process fuzz through the shipped library (release libacla.so, no sanitizer), as a
 * server sees its inputs: one process takes a long stream of mutated configs, checkpoints and
 * images through the C API (acla_model_create, _load, acla_image_info/_read), including the
 * large documents libFuzzer's short inputs never reach (100,000 unknown keys, megabytes of
 * nesting, long strings and numbers), with a forward on every model that is created. After every
 * input a canary (a fixed model's forward, compared bit for bit with the first result) and the
 * status contract are checked: a known status, a message on failure, out-parameters untouched.
 *
 *   cc -O2 -std=c11 Tests/fuzz/persistent.c $(pkg-config --cflags --libs acla) -o persistent
 *   ./persistent SECONDS [SEED]      (from the repository root: seeds come from Tests/fuzz/corpus)
 * Prints inputs per kind and statuses; exits 1 on the first broken contract (the input is saved
 * as persistent-finding-*). */
#define _GNU_SOURCE
#include <acla.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct { unsigned char *data; size_t n; } blob;
typedef struct { blob *items; int count; } seeds;

static uint64_t rng;
static uint64_t next(void) {
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return rng;
}
static size_t below(size_t n) { return n ? (size_t)(next() % n) : 0; }

static seeds load_seeds(const char *folder) {
    seeds s = {0};
    DIR *d = opendir(folder);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", folder, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        blob b = {malloc((size_t)n + 1), (size_t)n};
        if (b.data && fread(b.data, 1, (size_t)n, f) == (size_t)n) {
            s.items = realloc(s.items, sizeof *s.items * (size_t)(s.count + 1));
            s.items[s.count++] = b;
        } else {
            free(b.data);
        }
        fclose(f);
    }
    if (d) closedir(d);
    return s;
}

/* A mutated copy of a seed: byte flips, inserted or deleted runs, splices of another seed,
 * interesting integers; room for a NUL at the end. */
static blob mutate(const seeds *s) {
    const blob *a = &s->items[below((size_t)s->count)];
    size_t cap = a->n * 2 + 64;
    blob out = {malloc(cap + 1), a->n};
    memcpy(out.data, a->data, a->n);
    int rounds = 1 + (int)below(6);
    static const char *tokens[] = {"0", "-1", "4294967296", "9223372036854775807", "1e400", "\"", "{", "}", "[", "]",
                                   ",", ":", "null", "true", "\\u0000", "\xff", "\x7f\xff\xff\xff", "\x00\x00\x00\x00"};
    for (int r = 0; r < rounds && out.n > 0; r++) {
        size_t at = below(out.n);
        switch (below(5)) {
        case 0: out.data[at] ^= (unsigned char)(1u << below(8)); break;
        case 1: out.data[at] = (unsigned char)next(); break;
        case 2: { size_t k = below(out.n - at) % 64; memmove(out.data + at, out.data + at + k, out.n - at - k); out.n -= k; break; }
        case 3: {
            const char *t = tokens[below(sizeof tokens / sizeof tokens[0])];
            size_t k = strlen(t) ? strlen(t) : 1;
            if (out.n + k > cap) break;
            memmove(out.data + at + k, out.data + at, out.n - at);
            memcpy(out.data + at, t, k);
            out.n += k;
            break;
        }
        default: {
            const blob *b = &s->items[below((size_t)s->count)];
            size_t from = below(b->n), k = below(b->n - from + 1);
            if (at + k > cap) k = cap - at;
            memcpy(out.data + at, b->data + from, k);
            if (at + k > out.n) out.n = at + k;
        }
        }
    }
    out.data[out.n] = 0;
    return out;
}

/* Large documents: many unknown keys, deep nesting, long strings, long numbers. */
static blob large_config(void) {
    size_t cap = 4u << 20, n = 0;
    blob b = {malloc(cap + 64), 0};
    unsigned kind = (unsigned)below(4), count = 1000 + (unsigned)below(100000);
    n += (size_t)sprintf((char *)b.data, "{\"backbone\": \"edsr\", \"scale\": 2");
    for (unsigned i = 0; i < count && n < cap - 64; i++) {
        switch (kind) {
        case 0: n += (size_t)sprintf((char *)b.data + n, ", \"k%u\": %u", i, i); break;
        case 1: b.data[n++] = '['; break;
        case 2: b.data[n++] = 'x'; break;
        default: b.data[n++] = (unsigned char)('0' + i % 10);
        }
    }
    b.data[n++] = '}';
    b.data[n] = 0;
    b.n = n;
    return b;
}

static const char *canary_config = "{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 2, \"features\": 4, \"attention\": {\"kind\": \"acla\", \"positions\": [1, 2], \"keys\": 2}, \"seed\": 5}";
static acla_model *canary;
static float canary_in[3 * 6 * 5], canary_out[3 * 12 * 10], canary_first[3 * 12 * 10];
static long counts[5], statuses[10];
static blob current;

static void finding(const char *why) {
    char name[64];
    snprintf(name, sizeof name, "persistent-finding-%ld.bin", (long)time(NULL));
    FILE *f = fopen(name, "wb");
    if (f) { fwrite(current.data, 1, current.n, f); fclose(f); }
    fprintf(stderr, "FINDING: %s (input saved as %s, %zu bytes)\n", why, name, current.n);
    exit(1);
}

static void status_contract(acla_status s, void *out, void *sentinel) {
    if (s < 0 || s > ACLA_ERR_INTERNAL) finding("unknown status");
    if (s == ACLA_ERR_INTERNAL) finding(acla_last_error_message());
    statuses[s]++;
    if (s != ACLA_OK && acla_last_error_message()[0] == 0) finding("failure without a message");
    if (s != ACLA_OK && out != sentinel) finding("out-parameter written by a failing call");
    if (s == ACLA_OK && acla_last_error_message()[0] != 0) finding("message not cleared after success");
}

static void check_canary(void) {
    if (acla_model_forward(canary, canary_in, 1, 3, 6, 5, canary_out, 360) != ACLA_OK) finding("canary forward failed");
    if (memcmp(canary_out, canary_first, sizeof canary_out) != 0) finding("canary output changed");
}

static void exercise(acla_model *m) {
    int32_t c = 0, h = 0, w = 0;
    uint64_t params = 0;
    size_t needed = 0;
    char cfg[1024];
    if (acla_model_parameter_count(m, &params) != ACLA_OK) finding("parameter_count failed");
    if (acla_model_config(m, cfg, sizeof cfg, &needed) != ACLA_OK && needed <= sizeof cfg) finding("config failed");
    if (params > 200000 || acla_model_output_size(m, 3, 4, &c, &h, &w) != ACLA_OK) return;
    float in[3 * 3 * 4], *out = malloc(sizeof(float) * (size_t)c * (size_t)h * (size_t)w);
    for (int i = 0; i < 36; i++) in[i] = (float)(i * 7 % 255);
    acla_status s = acla_model_forward(m, in, 1, c, 3, 4, out, (size_t)c * (size_t)h * (size_t)w);
    if (s != ACLA_OK && s != ACLA_ERR_SHAPE && s != ACLA_ERR_OUT_OF_MEMORY) finding(acla_last_error_message());
    free(out);
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 60;
    rng = argc > 2 ? strtoull(argv[2], NULL, 10) | 1 : 0x2545F4914F6CDD1Dull;
    seeds configs = load_seeds("Tests/fuzz/corpus/config"), checkpoints = load_seeds("Tests/fuzz/corpus/safetensors"),
          pngs = load_seeds("Tests/fuzz/corpus/png"), jpegs = load_seeds("Tests/fuzz/corpus/jpeg");
    if (!configs.count || !checkpoints.count || !pngs.count || !jpegs.count) {
        fprintf(stderr, "run from the repository root (seeds in Tests/fuzz/corpus)\n");
        return 2;
    }
    acla_set_num_threads(1);
    if (acla_model_create(canary_config, &canary) != ACLA_OK) return 2;
    for (int i = 0; i < 90; i++) canary_in[i] = (float)(i * 13 % 256);
    if (acla_model_forward(canary, canary_in, 1, 3, 6, 5, canary_first, 360) != ACLA_OK) return 2;
    char path[] = "/tmp/acla-persistent-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 2;
    close(fd);
    static uint8_t pixels[1 << 22];
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long total = 0;
    acla_image_set_pixel_limit(1 << 20);
    for (;; total++) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec + (t.tv_nsec - t0.tv_nsec) * 1e-9 > seconds) break;
        int kind = (int)below(20);
        kind = kind < 8 ? 0 : kind < 9 ? 1 : kind < 13 ? 2 : kind < 17 ? 3 : 4;
        current = kind == 1 ? large_config() : mutate(kind == 0 ? &configs : kind == 2 ? &checkpoints : kind == 3 ? &pngs : &jpegs);
        counts[kind]++;
        acla_model *m = (acla_model *)&current, *sentinel = m;
        if (kind <= 1) {
            acla_status s = acla_model_create((const char *)current.data, &m);
            status_contract(s, m, sentinel);
            if (s == ACLA_OK) { exercise(m); acla_model_destroy(m); }
        } else {
            FILE *f = fopen(path, "wb");
            if (!f || fwrite(current.data, 1, current.n, f) != current.n) return 2;
            fclose(f);
            if (kind == 2) {
                acla_status s = acla_model_load(path, NULL, &m);
                status_contract(s, m, sentinel);
                if (s == ACLA_OK) { exercise(m); acla_model_destroy(m); }
            } else {
                int32_t format = -7, ch = -7, h = -7, w = -7;
                uint32_t notes = 0;
                acla_status s = acla_image_info(path, &format, &ch, &h, &w, &notes);
                status_contract(s, NULL, NULL);
                if (s != ACLA_OK && (format != -7 || ch != -7 || h != -7 || w != -7)) finding("image_info wrote on failure");
                if (s == ACLA_OK) {
                    size_t need = (size_t)ch * (size_t)h * (size_t)w;
                    int32_t ch2 = -7, h2 = -7, w2 = -7;
                    s = acla_image_read(path, pixels, need <= sizeof pixels ? need : sizeof pixels, &ch2, &h2, &w2, &notes);
                    status_contract(s, NULL, NULL);
                    if (s != ACLA_OK && (ch2 != -7 || h2 != -7 || w2 != -7)) finding("image_read wrote on failure");
                    if (s == ACLA_OK && (ch2 != ch || h2 != h || w2 != w)) finding("image_read disagrees with image_info");
                }
            }
        }
        free(current.data);
        check_canary();
    }
    unlink(path);
    acla_model_destroy(canary);
    printf("persistent fuzz: %ld inputs in %.0f s (configs %ld, large configs %ld, checkpoints %ld, PNG %ld, JPEG %ld); "
           "statuses ok %ld, invalid %ld, shape %ld, io %ld, format %ld, unsupported %ld, oom %ld; canary unchanged\n",
           total, seconds, counts[0], counts[1], counts[2], counts[3], counts[4], statuses[0], statuses[1], statuses[2],
           statuses[3], statuses[4], statuses[5], statuses[6]);
    return 0;
}
