"""Data-parallel training from Python with mpi4py (docs/DISTRIBUTED.md): every rank runs this
script; the trainer's all-reduce is an mpi4py Iallreduce polled against a timeout.

    mpirun -np 2 python examples/python/train_mpi.py --data IMAGE_FOLDER --steps 100 \\
        --batch 16 --out run.safetensors [--config MODEL.json] [--threads 1] [--timeout 300]

--batch is the global batch: each rank draws its shard, rank 0 alone writes the checkpoint,
and the result equals one process training on the whole batch (up to float rounding). Add
--resume run.safetensors to continue (bit-identically). Trainer.step() works the same way from
your own loader: each rank passes its shard of the global batch, shards in rank order.
"""
import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
from mpi4py import MPI

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acla  # noqa: E402

TINY = {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 8,
        "attention": {"kind": "acla", "positions": [1, 2], "keys": 4}, "seed": 4}


def mpi_allreduce(comm):
    """The trainer's all-reduce: sum in place over every rank, or raise after `timeout` seconds
    (MPI_Allreduce itself would wait forever for a dead or stopped rank)."""
    def allreduce(buffer, timeout):
        request = comm.Iallreduce(MPI.IN_PLACE, buffer, op=MPI.SUM)
        deadline = time.monotonic() + timeout
        while not request.Test():
            if time.monotonic() > deadline:
                raise TimeoutError(f"rank {comm.Get_rank()}: no all-reduce partner within {timeout} s")
            time.sleep(0.0001)
    return allreduce


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--patch", type=int, default=48)
    p.add_argument("--out", required=True)
    p.add_argument("--config", help="model config JSON file (default: a tiny EDSR + ACLA)")
    p.add_argument("--resume")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--timeout", type=float, default=300.0)
    args = p.parse_args()

    comm = MPI.COMM_WORLD
    rank, world = comm.Get_rank(), comm.Get_size()
    acla.set_num_threads(args.threads)
    config = json.load(open(args.config)) if args.config else TINY
    with acla.Model.create(config) as model, acla.Trainer(model, {"optimizer": {"lr": 5e-4}, "seed": 1}) as trainer:
        trainer.set_communicator(rank, world, mpi_allreduce(comm), timeout=args.timeout)
        run = {"data": args.data, "steps": args.steps, "batch": args.batch, "patch": args.patch,
               "checkpoint": args.out, "save_every": max(1, args.steps // 4)}
        if args.resume:
            run["resume"] = args.resume
        trainer.run(run, progress=lambda done, total: True)
        # every rank applied the same updates: their parameters agree bit for bit
        digest = hashlib.sha256(b"".join(model.get_parameter(n).tobytes() for n in model.parameter_names)).hexdigest()
        digests = comm.gather(digest, root=0)
        if rank == 0:
            print(f"rank 0 of {world}: {trainer.step_count} steps, checkpoint {args.out}; "
                  f"parameters identical on every rank: {len(set(digests)) == 1}")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:   # one rank giving up must end the job, not leave the others waiting
        print(f"rank {MPI.COMM_WORLD.Get_rank()}: {e}", file=sys.stderr)
        MPI.COMM_WORLD.Abort(1)
