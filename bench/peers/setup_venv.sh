#!/bin/sh
# The Python environment of bench/peers/ from scratch: a venv with the pinned numpy, onnx,
# onnxruntime and the CPU build of torch (requirements.txt, read from the venv the RESULTS.md
# numbers were taken with, dependencies included, so a rerun gets the same wheels).
#
#   bench/peers/setup_venv.sh [DIR]        (default DIR: ./venv-bench)
#
# torch==2.13.0+cpu is not on PyPI itself: it comes from TORCH_INDEX (default PyTorch's CPU
# wheel index). Where pip already finds that wheel elsewhere (PIP_FIND_LINKS, a mirror), set
# TORCH_INDEX= (empty) so pip asks PyPI alone.
set -eu
DIR=${1:-venv-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
TORCH_INDEX=${TORCH_INDEX-https://download.pytorch.org/whl/cpu}
python3 -m venv "$DIR"
if [ -n "$TORCH_INDEX" ]; then
    "$DIR/bin/pip" install --extra-index-url "$TORCH_INDEX" -r "$HERE/requirements.txt"
else
    "$DIR/bin/pip" install -r "$HERE/requirements.txt"
fi
"$DIR/bin/python" -c 'import numpy, onnx, onnxruntime, torch; print("numpy", numpy.__version__, "onnx", onnx.__version__, "onnxruntime", onnxruntime.__version__, "torch", torch.__version__)'
echo "done: run bench/peers/compare.py with $DIR/bin/python"
