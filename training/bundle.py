#!/usr/bin/env python3
"""Exports a training run's checkpoint as a bundled model and records it in models/catalog.json
with its step and its benchmark score (training/evaluate.py; needs ../shared/data).

  PYTHONPATH=examples/python training/bundle.py training/sr-x2 sr-x2 [--from "how the run started"]

The run directory holds config.json, run.sh and train.safetensors; the model is written to
models/<name>.safetensors without the optimiser state. Afterwards regenerate the expected outputs
of the bundled-model test deliberately:
  ACLA_REGENERATE_BUNDLED=1 swift test --filter BundledModelQualityTests"""
import json
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples" / "python"))
import acla  # noqa: E402

# issue 14's bars, and how each benchmark is named in the catalog
BARS = {"sr": 36.5, "denoise": 31.0, "jpeg": 28.8, "demosaic": 35.0}
BENCHMARK = {"sr": "Set5 x{s} (replicate LR), Y, shave {s}", "denoise": "McMaster, sigma 25 (uint8 noise, seed = index), RGB",
             "jpeg": "classic5 q10 (LQ given), Y", "demosaic": "McMaster, GRBG mosaic, RGB"}
BASELINE = {"sr": "bicubic", "denoise": "noisy input", "jpeg": "JPEG input", "demosaic": "bilinear"}
DEGRADATION = {"sr": "MATLAB bicubic x1/{s} (symmetric boundary) on uint8", "denoise": "Gaussian noise sigma 25, rounded and clipped to uint8",
               "jpeg": "libjpeg quality 10 on Y", "demosaic": "GRBG Bayer mosaic (3 channels, zeros where a colour is missing)"}


def train_metadata(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(json.loads(f.read(n))["__metadata__"]["acla.train"])


def status(task, scale, score, run):
    bar = BARS[task] if task != "sr" or scale == 2 else None   # the issue sets no bar for x3/x4
    if bar is None:
        return f"no bar in the issue; {score['psnr'] - score['baseline_psnr']:+.2f} dB against {BASELINE[task]}"
    if score["psnr"] >= bar:
        return "meets the issue's bar"
    return f"interim: below the issue's {bar} dB bar; training continues from {run.relative_to(ROOT)}"


def optimizer_text(options):
    """What the checkpoint's own options say: optimiser, learning rate, schedule."""
    opt, sched = options.get("optimizer", {}), options.get("schedule", {})
    text = f"{opt.get('kind', 'adam').capitalize()} lr {opt.get('lr', 2e-4):g}"
    kind = sched.get("kind", "constant")
    if kind == "cosine":
        return text + f", cosine decay to {sched.get('eta_min', 0):g} over {sched.get('t_max', '?')} steps"
    if kind == "halving":
        return text + f", halved every {sched.get('every', '?')} steps"
    if kind == "step":
        return text + f", times {sched.get('gamma', 0.5):g} at {sched.get('milestones') or sched.get('step_size')}"
    return text + ", constant"


def main():
    if len(sys.argv) not in (3, 5) or (len(sys.argv) == 5 and sys.argv[3] != "--from"):
        sys.exit(__doc__)
    run, name = Path(sys.argv[1]).resolve(), sys.argv[2]
    start = sys.argv[4] if len(sys.argv) == 5 else None
    checkpoint = run / "train.safetensors"
    meta = train_metadata(checkpoint)
    out = ROOT / "models" / f"{name}.safetensors"
    with acla.Model.load(checkpoint) as model:
        config, params = model.config, model.parameter_count
        model.save(out)
    task, scale = config["task"], config.get("scale", 1)
    with tempfile.NamedTemporaryFile(suffix=".json") as j:
        args = [sys.executable, str(ROOT / "training" / "evaluate.py"), "--task", task, "--model", str(out), "--json", j.name]
        subprocess.run(args + (["--scale", str(scale)] if task == "sr" else []), check=True, stdout=subprocess.DEVNULL)
        score = json.loads(Path(j.name).read_text())
    options = meta.get("options", {})
    settings = meta.get("run", {})
    att = config.get("attention", {})
    attention = "no attention" if att.get("kind", "none") == "none" else \
        f"{att['kind'].upper()} K {att.get('keys')} after blocks {', '.join(map(str, att.get('positions', [])))}"
    # a variant of a shared script (training/claim-x2/acla) resumes with `run.sh VARIANT`
    rel = run.relative_to(ROOT)
    resume = f"{rel}/run.sh" if (run / "run.sh").exists() else f"{rel.parent}/run.sh {run.name}"
    entry = {
        "name": name, "file": out.name, "task": task, "scale": scale,
        "architecture": f"EDSR, {config['blocks']} residual blocks x {config['features']} features, "
                        f"{attention} ({params:,} parameters)",
        "training": {"data": "../shared/data/photos: 16 photographs, 14 for training, 2 held out for validation",
                     "degradation": DEGRADATION[task].format(s=scale), "steps": meta["step"],
                     "batch": settings.get("batch", 16), "patch": settings.get("patch", 48),
                     "loss": options.get("loss", "l1"),
                     "optimizer": optimizer_text(options) + (f"; {start}" if start else ""),
                     "resume": resume},
        "scores": {BENCHMARK[task].format(s=scale): {"psnr": round(score["psnr"], 2), "ssim": round(score["ssim"], 4),
                                                    f"{BASELINE[task].replace(' ', '_')}_psnr": round(score["baseline_psnr"], 2)}},
        "status": status(task, scale, score, run),
    }
    catalog_path = ROOT / "models" / "catalog.json"
    catalog = json.loads(catalog_path.read_text())
    models = [m for m in catalog["models"] if m["name"] != name] + [entry]
    order = ["sr-x2", "sr-x2-acla", "sr-x3", "sr-x4", "denoise", "denoise-acla", "jpeg", "jpeg-acla", "demosaic", "demosaic-acla"]
    models.sort(key=lambda m: order.index(m["name"]) if m["name"] in order else len(order))
    catalog_path.write_text(json.dumps({"models": models}, indent=2) + "\n")
    print(f"{name}: step {meta['step']}, {BENCHMARK[task].format(s=scale)} {score['psnr']:.2f} dB "
          f"({BASELINE[task]} {score['baseline_psnr']:.2f}); {entry['status']}")


if __name__ == "__main__":
    main()
