/* The acla tool's link to MPI (Open MPI), for `acla train/search --distributed mpi`. libacla.so
 * links no MPI: the tool hands the trainer mpi_shim_allreduce_sum as its all-reduce. This header
 * does not include mpi.h, so Swift imports it without MPI's include paths. */
#ifndef ACLA_MPI_SHIM_H
#define ACLA_MPI_SHIM_H
#include <stddef.h>
#include <stdint.h>

/* MPI_Init_thread (funneled: only the calling thread talks to MPI) and MPI_COMM_WORLD's rank and
 * size. 0 on success, else non-zero with the reason in mpi_shim_error(). */
int32_t mpi_shim_init(int32_t *rank, int32_t *world_size);
/* Sums buffer[0..count) over every rank in place (MPI_Iallreduce, MPI_SUM on MPI_FLOAT),
 * polling until done or timeout_seconds pass. 0 on success; 1 timeout, 2 MPI error (reason in
 * mpi_shim_error()). After a timeout the request is still pending: end the job (mpi_shim_abort). */
int32_t mpi_shim_allreduce_sum(void *user, float *buffer, size_t count, double timeout_seconds);
/* MPI_Finalize (normal end). */
void mpi_shim_finalize(void);
/* MPI_Abort on MPI_COMM_WORLD: ends every rank of the job with `code`. */
void mpi_shim_abort(int32_t code);
/* Seconds the all-reduce calls spent so far (all calls, wall clock), and how many there were. */
double mpi_shim_allreduce_seconds(void);
int64_t mpi_shim_allreduce_calls(void);
/* The last failure's text (empty when none). */
const char *mpi_shim_error(void);
#endif
