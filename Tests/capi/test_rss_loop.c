/* A long-running host's loop (issue 12): create / save / load / forward / a failed call / destroy,
 * 1000 times. The resident set after 1000 rounds must be within a small margin of the one after
 * 100 (the first rounds warm the allocator, the thread pool and the workspaces): anything kept per
 * round, a leaked model, tensor, message or handle slot, would grow it by at least the model's
 * size each round. ACLA_RSS_ROUNDS overrides the 1000; the figures go to stdout. */
#define _GNU_SOURCE
#include <acla.h>
#include <unistd.h>
#include "check.h"

static long rss_kb(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) { if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0; fclose(f); }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

int main(void) {
    const char *env = getenv("ACLA_RSS_ROUNDS");
    int rounds = env && atoi(env) >= 100 ? atoi(env) : 1000;
    char dir[] = "/tmp/acla-test-rss-XXXXXX", path[64];
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    snprintf(path, sizeof path, "%s/m.safetensors", dir);
    /* about 45 K parameters (180 KB): a leak of one model per round is 160 MB at the end */
    const char *config = "{\"backbone\": \"edsr\", \"scale\": 2, \"blocks\": 2, \"features\": 16, "
                         "\"attention\": {\"kind\": \"acla\", \"positions\": [1, 2], \"keys\": 3}}";
    float in[3 * 12 * 10], out[3 * 24 * 20];
    for (int i = 0; i < 360; i++) in[i] = (float)((i * 53) % 256);
    long at100 = 0, at_end = 0;
    for (int r = 1; r <= rounds; r++) {
        acla_model *m = NULL, *back = NULL;
        CHECK_STATUS(acla_model_create(config, &m), ACLA_OK);
        CHECK_STATUS(acla_model_save(m, path), ACLA_OK);
        CHECK_STATUS(acla_model_load(path, NULL, &back), ACLA_OK);
        CHECK_STATUS(acla_model_forward(back, in, 1, 3, 12, 10, out, sizeof out / sizeof out[0]), ACLA_OK);
        CHECK_STATUS(acla_model_forward(back, in, 1, 3, 12, 10, out, 7), ACLA_ERR_SHAPE);
        CHECK_STATUS(acla_model_create("{\"backbone\": \"edsr\", \"scale\": 2, \"bogus\": 1}", &m), ACLA_ERR_INVALID_ARGUMENT);
        acla_model_destroy(m);
        acla_model_destroy(back);
        if (check_failures) break;
        if (r == 100) at100 = rss_kb();
        if (r == rounds) at_end = rss_kb();
    }
    unlink(path);
    rmdir(dir);
    printf("rss after 100 rounds: %ld KB, after %d: %ld KB (%+ld KB)\n", at100, rounds, at_end, at_end - at100);
    CHECK(at100 > 0);
    CHECK(at_end - at100 < 4096);
    CHECK_DONE("test_rss_loop");
}
