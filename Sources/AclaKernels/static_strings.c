// Text with static storage for the C interface: returned pointers stay valid forever.
#include "acla_kernels.h"

#define AK_VERSION_MAJOR 0
#define AK_VERSION_MINOR 1
#define AK_VERSION_PATCH 0
#define AK_STR2(x) #x
#define AK_STR(x) AK_STR2(x)

int ak_version_major(void) { return AK_VERSION_MAJOR; }
int ak_version_minor(void) { return AK_VERSION_MINOR; }
int ak_version_patch(void) { return AK_VERSION_PATCH; }
const char *ak_version_string(void) {
    return AK_STR(AK_VERSION_MAJOR) "." AK_STR(AK_VERSION_MINOR) "." AK_STR(AK_VERSION_PATCH);
}

const char *ak_status_string(int status) {
    static const char *const text[] = {
        "success", "invalid argument", "shape mismatch", "input/output error",
        "malformed file or data", "unsupported", "out of memory or over a configured limit",
        "cancelled", "invalid state for this call", "internal error",
    };
    if (status < 0 || status >= (int)(sizeof text / sizeof text[0])) return "unknown status code";
    return text[status];
}
