#include "acla_kernels.h"
#include <string.h>

// Thread-local so that concurrent callers on distinct handles never see each other's state.
static _Thread_local char last_error[2048];
static _Thread_local int grad_disabled;
static _Thread_local void *current_workspace;

void ak_set_last_error(const char *message) {
    if (!message) { last_error[0] = 0; return; }
    size_t len = strlen(message);
    if (len >= sizeof last_error) {
        // cut before a UTF-8 sequence that would not fit whole, so the text stays valid UTF-8
        len = sizeof last_error - 1;
        while (len > 0 && ((unsigned char)message[len] & 0xC0) == 0x80) len--;
    }
    memcpy(last_error, message, len);
    last_error[len] = 0;
}

const char *ak_last_error(void) { return last_error; }
int ak_grad_enabled(void) { return !grad_disabled; }
void ak_set_grad_enabled(int enabled) { grad_disabled = !enabled; }
void *ak_current_workspace(void) { return current_workspace; }
void ak_set_current_workspace(void *workspace) { current_workspace = workspace; }
