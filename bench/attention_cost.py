"""Plain EDSR vs CLA vs ACLA inside acla: wall-clock time against multiply-accumulates.

All models are baseline EDSR x2 (16 x 64) from the same seed, so the backbones are identical;
CLA/ACLA add modules at the given positions (docs/MODELS.md). Rows:

- EDSR: no attention.
- CLA K=8: every key is gathered, the cost is its MAC count.
- ACLA K=16, gates as initialised: the gate bias starts at +3 (ATTENTION.md section 4), so every
  in-map key is open and ACLA costs a dense K=16 module.
- ACLA K=16, gates ~p open: gate weights drawn at random and each module's gate bias set by
  bisection so that about a fraction p of its keys is open on a calibration input; this shows
  whether skipping closed keys (gathering only open ones) pays off in time.

MACs: `model.macs(h, w)` counts attention at its dense upper bound (every gate open);
`model.measured_macs` counts what the last forward pass executed (open keys only).
"""
from __future__ import annotations

import numpy as np

import acla
from timing import interleaved_medians, ms, others, spread


def _config(seed: int, attention: dict | None) -> dict:
    cfg = {"backbone": "edsr", "scale": 2, "seed": seed}
    if attention:
        cfg["attention"] = attention
    return cfg


def calibrate_gates(model: acla.Model, target: float, rng, size=(48, 48), steps=30) -> list:
    """Random gate weights, then per-module bisection of the gate bias until about `target` of
    the keys are open on a random input. Module outputs start at zero (`out` conv is zero), so
    each module's input, and hence its open fraction, does not depend on the other modules'
    gates: the bisections are independent and run together. Returns the open fractions."""
    x = rng.uniform(0.0, 255.0, size=(1, 3) + size).astype(np.float32)
    modules = model.attention_modules
    for m in modules:
        name = f"attention.{m.position}.gate.weight"
        shape = model.parameter_shape(name)
        fan_in = int(np.prod(shape[1:]))
        model.set_parameter(name, rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=shape).astype(np.float32))
    lo = [-1e4] * len(modules)
    hi = [1e4] * len(modules)
    fractions = [0.0] * len(modules)
    for _ in range(steps):
        for i, m in enumerate(modules):
            model.set_parameter(f"attention.{m.position}.gate.bias", np.array([(lo[i] + hi[i]) / 2], np.float32))
        model.forward(x)
        for i in range(len(modules)):
            fractions[i] = model.open_fraction(i)
            mid = (lo[i] + hi[i]) / 2
            if fractions[i] > target:
                hi[i] = mid
            else:
                lo[i] = mid
    for i, m in enumerate(modules):  # settle on the last tried bias and report its fraction
        model.set_parameter(f"attention.{m.position}.gate.bias", np.array([(lo[i] + hi[i]) / 2], np.float32))
    model.forward(x)
    return [model.open_fraction(i) for i in range(len(modules))]


def attention_table(positions: list, sizes: list, args, rng) -> None:
    seed = args.seed
    models = {
        "EDSR": acla.Model.create(_config(seed, None)),
        "CLA K=8": acla.Model.create(_config(seed, {"kind": "cla", "positions": positions, "keys": 8})),
        "ACLA K=16, gates as initialised": acla.Model.create(
            _config(seed, {"kind": "acla", "positions": positions, "keys": 16})),
    }
    print(f"\n## Plain EDSR vs CLA vs ACLA in acla (baseline EDSR x2, positions {positions})\n")
    if args.acla_open > 0:
        gated = acla.Model.create(_config(seed, {"kind": "acla", "positions": positions, "keys": 16}))
        fractions = calibrate_gates(gated, args.acla_open, rng)
        models[f"ACLA K=16, gates ~{args.acla_open:g} open"] = gated
        print(f"Gated ACLA calibrated on 48x48: open fractions per module "
              f"{', '.join(f'{f:.2f}' for f in fractions)}\n")
    print(f"{args.threads} threads, {args.warmup} warm-up + {args.repeats} interleaved runs per model, "
          "medians. MACs = model.macs (attention at its dense upper bound); measured = "
          "model.measured_macs after the timed runs (open keys only).\n")
    print("| input | model | median ms | time / EDSR | MACs (G) | MACs / EDSR | measured MACs (G) "
          "| measured / EDSR | open keys | cpu/wall | others | spread |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for h, w in sizes:
        x = rng.uniform(0.0, 255.0, size=(1, 3, h, w)).astype(np.float32)
        stats = interleaved_medians({name: (lambda m=m: m.forward(x)) for name, m in models.items()},
                                    warmup=args.warmup, repeats=args.repeats, pause=args.pause,
                                    max_others=args.max_others)
        base_t = stats["EDSR"]["median"]
        base_macs = models["EDSR"].macs(h, w)
        for name, m in models.items():
            macs = m.macs(h, w)
            n_mod = len(m.attention_modules)
            measured = m.measured_macs if n_mod else macs
            opened = f"{np.mean([m.open_fraction(i) for i in range(n_mod)]):.2f}" if n_mod else "-"
            s = stats[name]
            print(f"| {h}x{w} | {name} | {ms(s['median'])} | {s['median'] / base_t:.2f} | {macs / 1e9:.2f} | "
                  f"{macs / base_macs:.3f} | {measured / 1e9:.2f} | {measured / base_macs:.3f} | {opened} | "
                  f"{s['cpu_per_wall']:.2f} | {others(s)} | {spread(s)} |", flush=True)
    for m in models.values():
        m.close()
