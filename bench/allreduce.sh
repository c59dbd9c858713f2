#!/usr/bin/env bash
# All-reduce time of the EDSR-baseline and EDSR x2 gradient buffers on localhost (2 ranks),
# polled (the acla tool's path) and plain blocking MPI_Allreduce, for docs/DISTRIBUTED.md. Run by hand, on a quiet machine: bash bench/allreduce.sh [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-7}
mkdir -p build
mpicc -O2 -std=c11 -Wall -Wextra -I Sources/CMPIShim/include -o build/allreduce-bench \
  bench/allreduce_mpi.c Sources/CMPIShim/mpi_shim.c
mpi=(mpirun --allow-run-as-root --oversubscribe --bind-to none -np 2)
# trainable parameters (= gradient floats) of the two models, as the library counts them
for floats in 1369859 40729603; do
  for bucket in 262144 1048576 4194304; do
    "${mpi[@]}" build/allreduce-bench "$floats" "$bucket" "$repeats"
    "${mpi[@]}" build/allreduce-bench "$floats" "$bucket" "$repeats" blocking
  done
done
