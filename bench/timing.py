"""Interleaved wall-clock timing shared by the benchmarks in this folder.

Several engines are timed on the same input in alternating order (round robin, the starting
engine rotating each round), so that slow drifts of a shared machine (other builds, thermal
state) hit every engine alike. Before each timed call the process sleeps `pause` seconds: LLVM's
libomp keeps its worker threads spinning for KMP_BLOCKTIME (200 ms by default) after a parallel
region, and ORT's pool spins too, so without the pause one engine's idle spinners would steal
one of the two cores from the next engine's run.

Each run also records this process's CPU time and the whole machine's busy time (/proc/stat),
so a table can say how many cores the engine actually used (cpu/wall) and how much other
processes ran meanwhile ("others", in cores): on a shared machine a slow run is then visibly a
contended one rather than a slow engine.
"""
from __future__ import annotations

import os
import statistics
import time

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _machine_busy_seconds() -> float | None:
    """CPU seconds all processes have spent busy since boot (Linux), None elsewhere."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / _TICK  # user..steal; guest time is already in user


def _timed(fn, pause: float) -> tuple:
    if pause > 0:
        time.sleep(pause)
    busy0, cpu0, t0 = _machine_busy_seconds(), time.process_time(), time.perf_counter()
    fn()
    t1, cpu1, busy1 = time.perf_counter(), time.process_time(), _machine_busy_seconds()
    return t1 - t0, cpu1 - cpu0, None if busy0 is None else busy1 - busy0


def interleaved_medians(engines: dict, *, warmup: int, repeats: int, pause: float,
                        max_others: float | None = None, retakes: int = 10) -> dict:
    """engines: name -> zero-argument callable. Returns name -> {"median", "min", "max" (wall
    seconds), "runs" (list), "cpu_per_wall" (median over runs of process CPU / wall), "others"
    (other processes' busy cores averaged over this engine's kept runs, or None), "retaken"}
    over `repeats` timed calls each, after `warmup` untimed calls each.

    With `max_others`, a run during which other processes kept more than that many cores busy is
    thrown away and retaken (up to `retakes` times; the last try is kept whatever it measured).
    /proc/stat counts in clock ticks (10 ms), so for runs of a few tens of ms the figure is coarse."""
    names = list(engines)
    for _ in range(warmup):
        for name in names:
            engines[name]()
    runs = {name: [] for name in names}
    retaken = {name: 0 for name in names}
    for r in range(repeats):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            run = _timed(engines[name], pause)
            for _ in range(retakes if max_others is not None and run[2] is not None else 0):
                if (run[2] - run[1]) / run[0] <= max_others:
                    break
                retaken[name] += 1
                run = _timed(engines[name], pause)
            runs[name].append(run)
    out = {}
    for name, v in runs.items():
        walls = [w for w, _, _ in v]
        others = None
        if all(b is not None for _, _, b in v):
            others = max(0.0, sum(b - c for _, c, b in v) / sum(walls))
        out[name] = {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
                     "runs": walls, "cpu_per_wall": statistics.median(c / w for w, c, _ in v),
                     "others": others, "retaken": retaken[name]}
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f}"


def spread(stats: dict) -> str:
    """(max - min) / median, in percent: how noisy the runs were."""
    return f"{100.0 * (stats['max'] - stats['min']) / stats['median']:.0f}%"


def others(stats: dict) -> str:
    """Other processes' cores during the kept runs, and how many disturbed runs were retaken."""
    text = "?" if stats["others"] is None else f"{stats['others']:.2f}"
    return text + (f" ({stats['retaken']} retaken)" if stats["retaken"] else "")
