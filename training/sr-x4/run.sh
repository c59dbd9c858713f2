#!/usr/bin/env bash
# sr-x4: a fine-tune of the bundled sr-x2 (training/sr-finetune.sh has the settings).
# Bundle it: training/bundle.py training/sr-x4 sr-x4 --from "fine-tuned from sr-x2 (--init models/sr-x2.safetensors --ignore-tail)"
exec "$(dirname "$0")/../sr-finetune.sh" "$(dirname "$0")"
