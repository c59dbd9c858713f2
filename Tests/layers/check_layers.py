#!/usr/bin/env python3
"""The Swift core's folders form layers (docs/ARCHITECTURE.md): a folder may use names defined in
the folders below it, never above. Swift has no per-folder imports to read, so this finds each
folder's top-level definitions (types, functions, extensions' new members are not counted) and
the folders whose code names them. Exits 1 naming every upward use."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "Sources" / "Acla"
# bottom to top
LAYERS = ["Support", "Config", "Tensor", "IO", "Autograd", "Ops", "Layers", "Pass", "Attention", "Models",
          "Checkpoints", "Imaging", "Metrics", "Training", "Inference"]
# Imaging and Metrics are a side tower over Support, Tensor and IO: everything above Models may use
# them, and they use nothing of the network stack.
SIDE = {"Imaging", "Metrics"}
BASE = {"Support", "Config", "Tensor", "IO"}
DEF = re.compile(r"^(?:public |internal |private |fileprivate |final |open |indirect )*"
                 r"(?:class|struct|enum|protocol|typealias|actor) +([A-Za-z_][A-Za-z0-9_]*)", re.M)


def strip(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


folders = {p.name: sorted(p.rglob("*.swift")) for p in ROOT.iterdir() if p.is_dir()}
unknown = set(folders) - set(LAYERS)
if unknown:
    sys.exit(f"check_layers: folders {sorted(unknown)} have no place in LAYERS: add them")
defined = {}
for folder, files in folders.items():
    for f in files:
        for name in DEF.findall(strip(f.read_text())):
            defined.setdefault(name, folder)


def rank(folder):
    return LAYERS.index(folder)


def allowed(user, owner):
    if user == owner:
        return True
    if user in SIDE:
        return owner in BASE or (owner in SIDE and rank(owner) < rank(user))
    if owner in SIDE:
        return rank(user) > rank("Models")
    return rank(owner) < rank(user)


problems = []
for folder, files in folders.items():
    for f in files:
        text = strip(f.read_text())
        for name, owner in defined.items():
            if owner != folder and not allowed(folder, owner) and re.search(rf"\b{name}\b", text):
                problems.append(f"{f.relative_to(ROOT)} ({folder}) uses {name} from {owner}, a folder above it")
for p in sorted(set(problems)):
    print(p)
sys.exit(1 if problems else 0)
