/* See include/mpi_shim.h. MPI_Allreduce itself cannot time out: a dead or stopped peer would
 * block it forever, so the sum is an MPI_Iallreduce polled against a deadline. Polling yields
 * the core at first (a busy wait would slow a peer sharing it) and then sleeps briefly. */
#define _POSIX_C_SOURCE 200809L
#include "mpi_shim.h"

#include <limits.h>
#include <mpi.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>

static char error_text[512];
static double total_seconds;
static int64_t total_calls;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int32_t fail(int code, const char *what, int mpi_code) {
    char text[MPI_MAX_ERROR_STRING] = "";
    int len = 0;
    if (mpi_code != MPI_SUCCESS) MPI_Error_string(mpi_code, text, &len);
    snprintf(error_text, sizeof error_text, "%s%s%s", what, len ? ": " : "", text);
    return code;
}

int32_t mpi_shim_init(int32_t *rank, int32_t *world_size) {
    int provided = 0, r = 0, w = 0, initialized = 0;
    error_text[0] = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
        int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
        if (rc != MPI_SUCCESS) return fail(2, "MPI_Init_thread failed", rc);
    }
    /* errors come back as codes (the default handler would abort the job without a word) */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int rc = MPI_Comm_rank(MPI_COMM_WORLD, &r);
    if (rc == MPI_SUCCESS) rc = MPI_Comm_size(MPI_COMM_WORLD, &w);
    if (rc != MPI_SUCCESS) return fail(2, "MPI_Comm_rank/size failed", rc);
    *rank = r;
    *world_size = w;
    return 0;
}

int32_t mpi_shim_allreduce_sum(void *user, float *buffer, size_t count, double timeout_seconds) {
    (void)user;
    error_text[0] = 0;
    if (count == 0) return 0;
    if (count > (size_t)INT_MAX) return fail(2, "all-reduce buffer larger than INT_MAX floats", MPI_SUCCESS);
    double start = now(), deadline = start + timeout_seconds;
    MPI_Request request;
    int rc = MPI_Iallreduce(MPI_IN_PLACE, buffer, (int)count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &request);
    if (rc != MPI_SUCCESS) return fail(2, "MPI_Iallreduce failed", rc);
    for (long polls = 0;; polls++) {
        int done = 0;
        rc = MPI_Test(&request, &done, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS) return fail(2, "MPI_Test failed", rc);
        if (done) break;
        double t = now();
        if (t > deadline) {
            snprintf(error_text, sizeof error_text, "no all-reduce partner within %.3g s", timeout_seconds);
            return 1;
        }
        if (t - start < 0.002) {
            sched_yield();
        } else {
            struct timespec pause = {0, t - start < 1.0 ? 50000 : 1000000};
            nanosleep(&pause, NULL);
        }
    }
    total_seconds += now() - start;
    total_calls++;
    return 0;
}

void mpi_shim_finalize(void) {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
}

void mpi_shim_abort(int32_t code) { MPI_Abort(MPI_COMM_WORLD, code); }

double mpi_shim_allreduce_seconds(void) { return total_seconds; }
int64_t mpi_shim_allreduce_calls(void) { return total_calls; }
const char *mpi_shim_error(void) { return error_text; }
