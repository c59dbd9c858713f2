"""Restores an image (or every PNG/JPEG of a folder) with a checkpoint, with a progress line.

    python3 examples/python/restore.py MODEL.safetensors IN OUT [--tile 256] [--overlap 64] [--ensemble]

Ctrl-C cancels between forward passes (the progress callback sees the KeyboardInterrupt and
cancels the restore; nothing is written). Outputs are written atomically by acla.write_image.
"""
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import acla  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--tile", type=int, default=acla.RESTORE_DEFAULT_TILE)
    p.add_argument("--overlap", type=int, default=acla.RESTORE_DEFAULT_OVERLAP)
    p.add_argument("--ensemble", action="store_true")
    args = p.parse_args()

    model = acla.Model.load(args.model)
    if os.path.isdir(args.input):
        os.makedirs(args.output, exist_ok=True)
        names = sorted(n for n in os.listdir(args.input) if n.lower().endswith((".png", ".jpg", ".jpeg")))
        jobs = [(os.path.join(args.input, n), os.path.join(args.output, Path(n).stem + ".png")) for n in names]
    else:
        jobs = [(args.input, args.output)]
    for src, dst in jobs:
        start = time.perf_counter()

        def progress(done, total):
            print(f"\r{src}: {done}/{total} passes, {time.perf_counter() - start:.1f} s", end="", file=sys.stderr, flush=True)
            return False   # True would cancel
        image = acla.read_image(src)
        c = 1 if image.ndim == 2 else image.shape[2]
        for note in model.restore_output_size(c, image.shape[0], image.shape[1])[3]:
            print(f"note: {note}", file=sys.stderr)
        try:
            out = model.restore(image, tile=args.tile, overlap=args.overlap, ensemble=args.ensemble, progress=progress)
        except KeyboardInterrupt:
            print(f"\ninterrupted: {dst} not written", file=sys.stderr)
            return 130
        acla.write_image(dst, out)
        print(f"\nwrote {dst} {out.shape}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
