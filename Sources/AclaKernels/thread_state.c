#include "acla_kernels.h"

// Thread-local so that concurrent callers on distinct handles never see each other's state.
static _Thread_local int grad_disabled;
static _Thread_local void *current_workspace;

int ak_grad_enabled(void) { return !grad_disabled; }
void ak_set_grad_enabled(int enabled) { grad_disabled = !enabled; }
void *ak_current_workspace(void) { return current_workspace; }
void ak_set_current_workspace(void *workspace) { current_workspace = workspace; }
