/* All-reduce time of a gradient buffer on localhost, with the acla tool's own MPI path
 * (Sources/CMPIShim: MPI_Iallreduce polled against a timeout, in buckets), to feed the ring
 * cost model of docs/DISTRIBUTED.md. Run by hand through bench/allreduce.sh:
 *   mpirun -np 2 build/allreduce-bench FLOATS BUCKET_FLOATS REPEATS [blocking]
 * Prints, on rank 0, the median, min and max seconds of REPEATS timed all-reduces of FLOATS floats
 * (after one warm-up), each preceded by a barrier so that every rank starts together; "blocking"
 * uses plain MPI_Allreduce instead (the peer: what the polling costs). */
#define _POSIX_C_SOURCE 200809L
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mpi_shim.h"

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 4 && !(argc == 5 && strcmp(argv[4], "blocking") == 0)) {
        fprintf(stderr, "usage: %s FLOATS BUCKET_FLOATS REPEATS [blocking]\n", argv[0]);
        return 2;
    }
    int blocking = argc == 5;
    size_t n = strtoull(argv[1], NULL, 10), bucket = strtoull(argv[2], NULL, 10);
    int repeats = atoi(argv[3]);
    if (n == 0 || bucket == 0 || repeats < 1 || repeats > 1000) { fprintf(stderr, "bad arguments\n"); return 2; }
    int32_t rank = 0, world = 0;
    if (mpi_shim_init(&rank, &world) != 0) { fprintf(stderr, "%s\n", mpi_shim_error()); return 1; }
    float *g = malloc(n * sizeof(float));
    double *times = malloc((size_t)repeats * sizeof(double));
    if (!g || !times) { fprintf(stderr, "out of memory\n"); mpi_shim_abort(1); }
    for (size_t i = 0; i < n; i++) g[i] = (float)((i * 2654435761u) % 1000) * 1e-3f;
    for (int r = -1; r < repeats; r++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = now();
        for (size_t off = 0; off < n; off += bucket) {
            size_t c = n - off < bucket ? n - off : bucket;
            int rc = blocking ? MPI_Allreduce(MPI_IN_PLACE, g + off, (int)c, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD) != MPI_SUCCESS
                              : mpi_shim_allreduce_sum(NULL, g + off, c, 60.0) != 0;
            if (rc) { fprintf(stderr, "all-reduce failed %s\n", mpi_shim_error()); mpi_shim_abort(1); }
        }
        if (r >= 0) times[r] = now() - t0;
    }
    qsort(times, (size_t)repeats, sizeof(double), compare);
    if (rank == 0)
        printf("%s floats %zu bucket %zu ranks %d: median %.4f s  min %.4f  max %.4f  (%d runs)  %.2f GB/s algbw\n",
               blocking ? "blocking" : "polled  ", n, bucket, world, times[repeats / 2], times[0], times[repeats - 1], repeats,
               4.0 * (double)n / times[repeats / 2] / 1e9);
    free(g);
    free(times);
    mpi_shim_finalize();
    return 0;
}
