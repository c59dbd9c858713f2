// Atomic file replacement: a failed or interrupted write never destroys the user's existing
// file, because the destination is only replaced by a rename(2) of a complete temporary file.
#include "internal.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// The process umask, read without changing it (umask(2) can only be read by setting it,
// which races with other threads creating files).
static mode_t aci_current_umask(void) {
    mode_t mask = 022;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return mask;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        unsigned int value;
        if (sscanf(line, "Umask: %o", &value) == 1) {
            mask = (mode_t)(value & 0777);
            break;
        }
    }
    fclose(f);
    return mask;
}

int aci_atomic_open(aci_atomic_file *out, const char *path, aci_message *msg) {
    memset(out, 0, sizeof *out);
    size_t n = strlen(path);
    if (n == 0) return aci_fail(msg, ACI_ERR_INVALID, "output path is empty");
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        return aci_fail(msg, ACI_ERR_IO, "cannot write %s: it is a directory", path);
    }
    static const char suffix[] = ".acla-tmp-XXXXXX";
    char *temp = malloc(n + sizeof suffix);
    char *final_path = strdup(path);
    if (!temp || !final_path) {
        free(temp);
        free(final_path);
        return aci_fail(msg, ACI_ERR_MEMORY, "out of memory preparing to write %s", path);
    }
    memcpy(temp, path, n);
    memcpy(temp + n, suffix, sizeof suffix);
    int fd = mkstemp(temp);
    if (fd < 0) {
        int e = errno;
        free(temp);
        free(final_path);
        return aci_fail(msg, ACI_ERR_IO, "cannot create %s: %s", path, strerror(e));
    }
    // A replaced file keeps its permissions; a new one gets what open(0666) would give.
    mode_t mode = (stat(path, &st) == 0) ? (st.st_mode & 07777) : (0666 & ~aci_current_umask());
    (void)fchmod(fd, mode);
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(temp);
        free(temp);
        free(final_path);
        return aci_fail(msg, ACI_ERR_IO, "cannot open %s for writing: %s", path, strerror(e));
    }
    out->file = f;
    out->temp_path = temp;
    out->final_path = final_path;
    return ACI_OK;
}

static void aci_atomic_release(aci_atomic_file *f) {
    free(f->temp_path);
    free(f->final_path);
    memset(f, 0, sizeof *f);
}

void aci_atomic_abort(aci_atomic_file *f) {
    if (f->file) fclose(f->file);
    if (f->temp_path) unlink(f->temp_path);
    aci_atomic_release(f);
}

int aci_atomic_commit(aci_atomic_file *f, aci_message *msg) {
    FILE *file = f->file;
    f->file = NULL;
    int failed = (fflush(file) != 0) || ferror(file);
    int e = errno;
    if (!failed && fsync(fileno(file)) != 0 && errno != EINVAL) { failed = 1; e = errno; }
    if (fclose(file) != 0 && !failed) { failed = 1; e = errno; }
    if (!failed && rename(f->temp_path, f->final_path) != 0) { failed = 1; e = errno; }
    if (failed) {
        unlink(f->temp_path);
        aci_fail(msg, ACI_ERR_IO, "cannot write %s: %s", f->final_path, strerror(e));
        aci_atomic_release(f);
        return ACI_ERR_IO;
    }
    aci_atomic_release(f);
    return ACI_OK;
}
