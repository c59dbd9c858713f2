"""`mpirun -np 2 acla train --distributed mpi` on localhost (docs/DISTRIBUTED.md): two ranks of one
thread equal one process of two threads after N steps within float rounding, a resumed
distributed run equals an uninterrupted one byte for byte, a hung or killed rank ends the job
with a clear error instead of a hang and the last checkpoint stays usable, and the mpi4py example
trains. Skipped with a message when mpirun (openmpi-bin) is absent."""
import json
import os
import shutil
import signal
import struct
import subprocess
import time
from pathlib import Path

import pytest

import acla
from test_train import CLI, ROOT, TINY, smooth_images

MPIRUN = shutil.which("mpirun")
pytestmark = pytest.mark.skipif(MPIRUN is None, reason="mpirun is absent (apt-get install openmpi-bin libopenmpi-dev)")
MPI = [MPIRUN or "mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none"]
# Open MPI prints a warning per rank about the loopback-only host; silence it
MPI_ENV = {**os.environ, "OMPI_MCA_btl_base_warn_component_unused": "0", "OMPI_MCA_rmaps_base_oversubscribe": "1"}
# measured 2026-12-02 (6 steps, lr 5e-4, tiny ACLA model, batch 4 = 2 + 2): max |diff| 1.5e-7 over
# every parameter (float rounding of the summation order; Adam can enlarge it on near-zero gradients)
BOUND = 1e-5


def tensors(np, path):
    """Every tensor of a safetensors file (F32 only), by name."""
    blob = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        lo, hi = info["data_offsets"]
        out[name] = np.frombuffer(blob[8 + n + lo:8 + n + hi], dtype=np.float32).reshape(info["shape"])
    return out


@pytest.fixture
def setup(np, tmp_path):
    if not CLI.exists():
        pytest.skip(f"{CLI} is not built (make build)")
    data = smooth_images(np, tmp_path / "data", 4)
    cfg = tmp_path / "tiny.json"
    cfg.write_text(json.dumps(TINY))
    common = ["--config", cfg, "--data", data, "--val-holdout", "1", "--patch", "8", "--batch", "4",
              "--val-every", "3", "--lr", "5e-4", "--seed", "11", "--quiet"]
    return tmp_path, [str(a) for a in common]


def run(args, mpi=0, ok=True, timeout=120):
    cmd = ([*MPI, "-np", str(mpi)] if mpi else []) + [str(CLI), *map(str, args)]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=MPI_ENV, timeout=timeout)
    assert (r.returncode == 0) == ok, f"{cmd}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def test_two_ranks_equal_one_process_and_resume_is_byte_identical(np, setup):
    tmp, common = setup
    run(["train", *common, "--steps", "6", "--out", tmp / "single.safetensors", "--threads", "2"])
    r = run(["train", *common, "--steps", "6", "--out", tmp / "dist.safetensors", "--threads", "1", "--distributed", "mpi",
             "--log", tmp / "dist.jsonl", "--bucket-mb", "0.01"], mpi=2)
    assert "all-reduce on 2 ranks" in r.stderr, r.stderr
    single, dist = tensors(np, tmp / "single.safetensors"), tensors(np, tmp / "dist.safetensors")
    assert single.keys() == dist.keys()
    diff = max(float(np.max(np.abs(single[k] - dist[k]))) for k in single)
    print(f"2 ranks vs 1 process after 6 steps: max |diff| {diff}")
    assert diff < BOUND, f"2 ranks vs 1 process: max |diff| {diff}"
    with acla.Model.create(TINY) as initial:   # training moved the weights (the bound is not met trivially)
        moved = max(float(np.max(np.abs(dist[k] - initial.get_parameter(k)))) for k in dist if k.startswith("body"))
    assert moved > 100 * BOUND, moved
    log = [json.loads(line) for line in (tmp / "dist.jsonl").read_text().splitlines()]
    assert [line["step"] for line in log if "val_psnr" in line] == [3, 6], log   # rank 0 alone logs
    # 3 steps, then a resumed run to 6: the same bytes as the uninterrupted distributed run
    run(["train", *common, "--steps", "3", "--out", tmp / "part.safetensors", "--threads", "1", "--distributed", "mpi"], mpi=2)
    run(["train", *common, "--steps", "6", "--out", tmp / "part.safetensors", "--threads", "1", "--distributed", "mpi",
         "--resume", tmp / "part.safetensors", "--bucket-mb", "0.01"], mpi=2)
    assert (tmp / "part.safetensors").read_bytes() == (tmp / "dist.safetensors").read_bytes()
    # the search runs distributed too
    sup = tmp / "sup.json"
    sup.write_text(json.dumps({"backbone": "edsr", "scale": 2, "blocks": 3, "features": 6,
                               "attention": {"kind": "acla", "positions": "all", "keys": 2}}))
    out = run(["search", "--config", sup, "--data", tmp / "data", "--val-holdout", "1", "--patch", "8", "--batch", "2",
               "--lambda", "0.2", "--warmup-steps", "1", "--search-steps", "2", "--quiet", "--threads", "1",
               "--distributed", "mpi", "--out", tmp / "derived.safetensors"], mpi=2).stdout
    assert out.count("wrote ") == 1 and (tmp / "derived.safetensors").exists(), out


def rank_pid(mpirun_pid, rank, deadline):
    """The pid of `rank` among mpirun's children (by OMPI_COMM_WORLD_RANK)."""
    want = f"OMPI_COMM_WORLD_RANK={rank}".encode()
    while time.monotonic() < deadline:
        for d in Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if ppid == mpirun_pid and want in (d / "environ").read_bytes().split(b"\0"):
                    return int(d.name)
            except (OSError, ValueError, IndexError):
                continue
        time.sleep(0.05)
    raise AssertionError(f"rank {rank} of mpirun {mpirun_pid} not found")


@pytest.mark.parametrize("fault", ["stop", "kill"])
def test_a_hung_or_dead_rank_ends_the_job_with_the_checkpoint_intact(np, setup, fault):
    tmp, common = setup
    ckpt = tmp / f"{fault}.safetensors"
    cmd = [*MPI, "-np", "2", str(CLI), "train", *common, "--steps", "100000", "--save-every", "2", "--val-every", "100000",
           "--out", str(ckpt), "--threads", "1", "--distributed", "mpi", "--allreduce-timeout", "3"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=MPI_ENV)
    victim = None
    try:
        deadline = time.monotonic() + 60
        while not ckpt.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "no checkpoint within 60 s"
            time.sleep(0.05)
        victim = rank_pid(proc.pid, 1, deadline)
        start = time.monotonic()
        os.kill(victim, signal.SIGSTOP if fault == "stop" else signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        elapsed = time.monotonic() - start
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        if victim is not None and fault == "stop":
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                pass
    print(f"--- {fault}: exit {proc.returncode} after {elapsed:.1f} s\n{err}")
    assert proc.returncode != 0, err
    if fault == "stop":   # the survivor's all-reduce times out and names the cause
        assert "no all-reduce partner within 3 s" in err and "a rank died or hung" in err, err
        assert 2.5 < elapsed < 25, elapsed
    else:                 # mpirun ends the job when a rank dies
        assert elapsed < 25 and ("exited on signal" in err or "all-reduce" in err or "killed" in err), err
    # the last checkpoint is whole: a run resumes from it and continues
    saved = json.loads(json.loads(Path(ckpt).read_bytes()[8:8 + struct.unpack("<Q", ckpt.read_bytes()[:8])[0]])
                       ["__metadata__"]["acla.train"])["step"]
    assert saved >= 2 and saved % 2 == 0, saved
    run(["train", *common, "--steps", str(saved + 2), "--out", ckpt, "--resume", ckpt, "--threads", "1",
         "--distributed", "mpi"], mpi=2)


def test_mpi4py_example_trains(np, setup):
    pytest.importorskip("mpi4py", reason="mpi4py is not installed (pip install mpi4py)")
    tmp, _ = setup
    lib = os.environ.get("ACLA_LIBRARY", str(ROOT / "build" / "lib" / "libacla.so"))
    cmd = [*MPI, "-np", "2", "-x", "PYTHONPATH", "-x", "ACLA_LIBRARY", os.sys.executable,
           str(ROOT / "examples" / "python" / "train_mpi.py"), "--data", str(tmp / "data"), "--steps", "4", "--batch", "4",
           "--patch", "8", "--out", str(tmp / "py.safetensors"), "--threads", "1"]
    env = {**MPI_ENV, "PYTHONPATH": str(ROOT / "examples" / "python"), "ACLA_LIBRARY": lib}
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "rank 0 of 2: 4 steps" in r.stdout and (tmp / "py.safetensors").exists(), r.stdout
    assert "parameters identical on every rank: True" in r.stdout, r.stdout
