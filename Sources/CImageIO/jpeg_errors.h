// libjpeg error handling that returns instead of exiting: error_exit longjmps back into the
// function that set `jump`; messages are kept, never printed.
#ifndef ACI_JPEG_ERRORS_H
#define ACI_JPEG_ERRORS_H
#include "internal.h"
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int code;                 // ACI_* code to report after the jump
    char text[JMSG_LENGTH_MAX + 64];
    int corrupt_warning;      // a warning that means the data is damaged or truncated
    char warning[JMSG_LENGTH_MAX];
} aci_jpeg_error;

typedef struct {
    struct jpeg_progress_mgr pub;
    aci_jpeg_error *error;
} aci_jpeg_progress;

// Installs the handlers into `e` and returns the pointer for cinfo.err.
struct jpeg_error_mgr *aci_jpeg_error_init(aci_jpeg_error *e);
// Refuses progressive files with more than ACI_JPEG_MAX_SCANS scans (decompressors only).
void aci_jpeg_progress_init(aci_jpeg_progress *p, aci_jpeg_error *e);
#endif
