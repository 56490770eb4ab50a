#!/usr/bin/env bash
# Call 1: wheels, the evaluation build, the demo init, and the 50x training build on 16 cores
# (kept on the warm machine for call 2; a rerun resumes an interrupted build).
set -uo pipefail
source benchmarks/results/gpu_s13/common.sh
build_and_init
T=$W/train_data
timeout ${BUILD_S:-520} python3 -m generators build --config benchmarks/results/gpu_s14/train_build.yaml --out $T --workers 16 2>&1 | clean | tail -4
el train build done
python3 -m generators stats $T 2>&1 | grep -E "^total|breadth|distinct" | head -6
