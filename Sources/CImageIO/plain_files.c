// Whole-file reads and atomic whole-file writes for the small non-image files of the imaging
// code (.npy arrays), so the Swift core needs no Foundation file APIs (libacla.so links the
// Swift runtime statically and carries no Foundation).
#include "internal.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int aci_file_size(const char *path, int64_t *size, aci_message *msg) {
    if (!path || !size) return aci_fail(msg, ACI_ERR_INVALID, "NULL argument to aci_file_size");
    FILE *f = NULL;
    int rc = aci_open_regular(path, &f, size, msg);
    if (rc == ACI_OK) fclose(f);
    return rc;
}

int aci_read_file(const char *path, uint8_t *dst, size_t len, aci_message *msg) {
    if (!path || (!dst && len)) return aci_fail(msg, ACI_ERR_INVALID, "NULL argument to aci_read_file");
    FILE *f = NULL;
    int rc = aci_open_regular(path, &f, NULL, msg);
    if (rc != ACI_OK) return rc;
    size_t got = len ? fread(dst, 1, len, f) : 0;
    int failed = ferror(f);
    fclose(f);
    if (failed) return aci_fail(msg, ACI_ERR_IO, "cannot read %s", path);
    if (got != len) return aci_fail(msg, ACI_ERR_IO, "%s changed while being read", path);
    return ACI_OK;
}

int aci_write_file(const char *path, const uint8_t *data, size_t len, aci_message *msg) {
    if (!path || (!data && len)) return aci_fail(msg, ACI_ERR_INVALID, "NULL argument to aci_write_file");
    aci_atomic_file f;
    int rc = aci_atomic_open(&f, path, msg);
    if (rc != ACI_OK) return rc;
    if (len && fwrite(data, 1, len, f.file) != len) {
        int e = errno;
        const char *name = f.final_path;
        rc = aci_fail(msg, ACI_ERR_IO, "cannot write %s: %s", name, strerror(e));
        aci_atomic_abort(&f);
        return rc;
    }
    return aci_atomic_commit(&f, msg);
}
