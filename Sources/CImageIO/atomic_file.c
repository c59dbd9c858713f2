// Atomic file replacement: a failed or interrupted write never destroys the user's existing
// file, because the destination is only replaced by a rename(2) of a complete temporary file.
// The temporary file is unnamed while it is written (O_TMPFILE), so a process killed mid-write
// leaves nothing behind; it gets a name only for the instant between linkat(2) and rename(2).
// File systems without O_TMPFILE get a named temporary file from the start (which a kill leaves).
#include "internal.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

// The folder of path ("." for a bare name), malloc'd.
static char *aci_parent(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    size_t n = (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (!dir) return NULL;
    memcpy(dir, path, n);
    dir[n] = 0;
    return dir;
}

// A fresh name next to the destination: path + ".acla-tmp-" + 6 random characters.
static char *aci_temp_name(const char *path) {
    static const char suffix[] = ".acla-tmp-XXXXXX";
    size_t n = strlen(path);
    char *temp = malloc(n + sizeof suffix);
    if (!temp) return NULL;
    memcpy(temp, path, n);
    memcpy(temp + n, suffix, sizeof suffix);
    return temp;
}

int aci_atomic_open(aci_atomic_file *out, const char *path, aci_message *msg) {
    memset(out, 0, sizeof *out);
    out->fd = -1;
    if (strlen(path) == 0) return aci_fail(msg, ACI_ERR_INVALID, "output path is empty");
    struct stat st;
    int existing = stat(path, &st) == 0;
    if (existing && S_ISDIR(st.st_mode)) {
        return aci_fail(msg, ACI_ERR_IO, "cannot write %s: it is a directory", path);
    }
    char *final_path = strdup(path);
    char *dir = aci_parent(path);
    if (!final_path || !dir) {
        free(final_path);
        free(dir);
        return aci_fail(msg, ACI_ERR_MEMORY, "out of memory preparing to write %s", path);
    }
    // an unnamed file in the destination's folder (the kernel applies the umask to 0666)
    int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    char *temp = NULL;
    if (fd < 0) {
        // no O_TMPFILE here (EOPNOTSUPP, EISDIR on old kernels, ...): a named temporary file
        int e = errno;
        temp = aci_temp_name(path);
        if (!temp) {
            free(final_path);
            free(dir);
            return aci_fail(msg, ACI_ERR_MEMORY, "out of memory preparing to write %s", path);
        }
        fd = mkstemp(temp);
        if (fd < 0) {
            e = errno;
            free(temp);
            free(final_path);
            free(dir);
            return aci_fail(msg, ACI_ERR_IO, "cannot create a temporary file next to %s: %s", path, strerror(e));
        }
        (void)fchmod(fd, 0666 & ~aci_current_umask());
    }
    // a replaced file keeps its permissions
    if (existing) (void)fchmod(fd, st.st_mode & 07777);
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        int e = errno;
        close(fd);
        if (temp) unlink(temp);
        free(temp);
        free(final_path);
        free(dir);
        return aci_fail(msg, ACI_ERR_IO, "cannot open %s for writing: %s", path, strerror(e));
    }
    out->file = f;
    out->fd = fd;
    out->temp_path = temp;
    out->final_path = final_path;
    out->dir_path = dir;
    return ACI_OK;
}

static void aci_atomic_release(aci_atomic_file *f) {
    free(f->temp_path);
    free(f->final_path);
    free(f->dir_path);
    memset(f, 0, sizeof *f);
    f->fd = -1;
}

void aci_atomic_abort(aci_atomic_file *f) {
    if (f->file) fclose(f->file);
    if (f->temp_path) unlink(f->temp_path);
    aci_atomic_release(f);
}

// Gives the unnamed file a temporary name next to the destination (linkat through /proc, or
// AT_EMPTY_PATH where /proc is missing). Returns 0 or an errno.
static int aci_name_unnamed(aci_atomic_file *f) {
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", f->fd);
    for (int attempt = 0; attempt < 100; attempt++) {
        char *temp = aci_temp_name(f->final_path);
        if (!temp) return ENOMEM;
        // six characters of a clock-and-counter mix; EEXIST retries with the next
        uint64_t x = (uint64_t)time(NULL) * 6364136223846793005ull + (uint64_t)getpid() * 1442695040888963407ull
                     + (uint64_t)attempt * 0x9E3779B97F4A7C15ull + (uint64_t)(uintptr_t)f;
        static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
        char *tail = temp + strlen(temp) - 6;
        for (int i = 0; i < 6; i++) { tail[i] = alphabet[x % 36]; x /= 36; }
        int rc = linkat(AT_FDCWD, proc, AT_FDCWD, temp, AT_SYMLINK_FOLLOW);
        if (rc != 0 && errno == ENOENT) rc = linkat(f->fd, "", AT_FDCWD, temp, AT_EMPTY_PATH);
        if (rc == 0) {
            f->temp_path = temp;
            return 0;
        }
        int e = errno;
        free(temp);
        if (e != EEXIST) return e;
    }
    return EEXIST;
}

int aci_atomic_commit(aci_atomic_file *f, aci_message *msg) {
    FILE *file = f->file;
    f->file = NULL;
    int failed = (fflush(file) != 0) || ferror(file);
    int e = errno;
    // EINVAL: the file system cannot sync (nothing to wait for), not a failed write
    if (!failed && fsync(f->fd) != 0 && errno != EINVAL) { failed = 1; e = errno; }
    if (!failed && !f->temp_path) {
        int rc = aci_name_unnamed(f);
        if (rc) { failed = 1; e = rc; }
    }
    if (fclose(file) != 0 && !failed) { failed = 1; e = errno; }
    if (!failed && rename(f->temp_path, f->final_path) != 0) { failed = 1; e = errno; }
    if (failed) {
        if (f->temp_path) unlink(f->temp_path);
        aci_fail(msg, ACI_ERR_IO, "cannot write %s: %s", f->final_path, strerror(e));
        aci_atomic_release(f);
        return ACI_ERR_IO;
    }
    // the rename is durable once the folder is synced (best effort: some file systems refuse)
    int dir = open(f->dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        (void)fsync(dir);
        close(dir);
    }
    aci_atomic_release(f);
    return ACI_OK;
}
