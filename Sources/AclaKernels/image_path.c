// Which loaded file (libacla.so, or the executable that links the core statically) holds an
// address: bundled models are found beside it (Checkpoints/BundledModels.swift).
// /proc/self/maps first: it gives the file's absolute path. dladdr gives the name the library was
// opened by, which is relative when a host opened it by a relative path (ctypes.CDLL("build/lib/
// libacla.so")), and then cannot be told from the main executable's name.
#define _GNU_SOURCE
#include "acla_kernels.h"
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int from_maps(uintptr_t address, char *buf, size_t cap) {
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f) return -1;
    char line[4352];
    int found = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        int pos = 0;
        if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &lo, &hi, &pos) < 2 || pos <= 0) continue;
        if (address < lo || address >= hi) continue;
        char *path = line + pos;
        size_t n = strcspn(path, "\n");
        const char *gone = " (deleted)";   // the file was replaced after it was mapped
        const size_t g = strlen(gone);
        if (n > g && memcmp(path + n - g, gone, g) == 0) n -= g;
        if (path[0] == '/' && n < cap) {
            memcpy(buf, path, n);
            buf[n] = 0;
            found = 0;
        }
        break;
    }
    fclose(f);
    return found;
}

int ak_image_path(const void *address, char *buf, size_t cap) {
    if (!cap) return -1;
    if (from_maps((uintptr_t)address, buf, cap) == 0) return 0;
    Dl_info info;
    if (!dladdr(address, &info) || !info.dli_fname) return -1;
    size_t n = strlen(info.dli_fname);
    if (n >= cap) return -1;
    memcpy(buf, info.dli_fname, n + 1);
    return 0;
}
