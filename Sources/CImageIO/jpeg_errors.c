#include "jpeg_errors.h"
#include <stdio.h>
#include <string.h>

static void aci_jpeg_error_exit(j_common_ptr cinfo) {
    aci_jpeg_error *e = (aci_jpeg_error *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    snprintf(e->text, sizeof e->text, "%s", text);
    switch (cinfo->err->msg_code) {
    case JERR_OUT_OF_MEMORY:
    case JERR_VIRTUAL_BUG:
        e->code = ACI_ERR_MEMORY;
        break;
    case JERR_BAD_PRECISION:
    case JERR_CONVERSION_NOTIMPL:
    case JERR_NOT_COMPILED:
        e->code = ACI_ERR_UNSUPPORTED;
        break;
    case JERR_FILE_READ:
    case JERR_FILE_WRITE:
        e->code = ACI_ERR_IO;
        break;
    default:
        e->code = ACI_ERR_FORMAT;
    }
    longjmp(e->jump, 1);
}

// Level -1 messages are warnings about the data. Those saying the data is damaged or ends
// early (libjpeg would fill the rest with gray) become errors once decoding finishes; the
// benign ones (extraneous bytes, odd JFIF versions) are ignored.
static void aci_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level != -1) return;
    aci_jpeg_error *e = (aci_jpeg_error *)cinfo->err;
    switch (cinfo->err->msg_code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_MUST_RESYNC:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_NOT_SEQUENTIAL:
    case JWRN_BOGUS_PROGRESSION:
        if (!e->corrupt_warning) {
            e->corrupt_warning = 1;
            (*cinfo->err->format_message)(cinfo, e->warning);
        }
        break;
    default:
        break;
    }
    cinfo->err->num_warnings++;
}

static void aci_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

struct jpeg_error_mgr *aci_jpeg_error_init(aci_jpeg_error *e) {
    memset(e, 0, sizeof *e);
    struct jpeg_error_mgr *pub = jpeg_std_error(&e->pub);
    pub->error_exit = aci_jpeg_error_exit;
    pub->emit_message = aci_jpeg_emit_message;
    pub->output_message = aci_jpeg_output_message;
    e->code = ACI_ERR_FORMAT;
    return pub;
}

static void aci_jpeg_progress_monitor(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor) return;
    aci_jpeg_progress *p = (aci_jpeg_progress *)cinfo->progress;
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    if (d->input_scan_number > ACI_JPEG_MAX_SCANS) {
        snprintf(p->error->text, sizeof p->error->text,
                 "progressive JPEG has more than %d scans (refused: a file this shape is a "
                 "denial-of-service pattern)", ACI_JPEG_MAX_SCANS);
        p->error->code = ACI_ERR_FORMAT;
        longjmp(p->error->jump, 1);
    }
}

void aci_jpeg_progress_init(aci_jpeg_progress *p, aci_jpeg_error *e) {
    memset(p, 0, sizeof *p);
    p->pub.progress_monitor = aci_jpeg_progress_monitor;
    p->error = e;
}
