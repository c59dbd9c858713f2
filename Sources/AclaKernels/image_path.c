// Which loaded file (libacla.so, or the executable that links the core statically) holds an
// address: bundled models are found beside it (Checkpoints/BundledModels.swift).
#define _GNU_SOURCE
#include "acla_kernels.h"
#include <dlfcn.h>
#include <string.h>

int ak_image_path(const void *address, char *buf, size_t cap) {
    Dl_info info;
    if (!cap || !dladdr(address, &info) || !info.dli_fname) return -1;
    size_t n = strlen(info.dli_fname);
    if (n >= cap) return -1;
    memcpy(buf, info.dli_fname, n + 1);
    return 0;
}
