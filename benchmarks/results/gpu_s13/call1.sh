#!/usr/bin/env bash
# Call 1: versions, eval build, demo init, SFT throughput (shipped vs fast recipe), puzzle
# stream rate on 15 workers, rollout speed (HF generate vs StaticGenerator) on the init model.
set -uo pipefail
source benchmarks/results/gpu_s13/common.sh
build_and_init
python3 benchmarks/perf_sft.py --model $W/init --data $D --stream-seconds 40 --out $OUT/perf_sft.json 2>&1 | clean | grep -v "^{'loss\|Warning\|warn" | tail -25
el perf_sft done
python3 benchmarks/perf_rollout.py --model $W/init --data $D --batch 128 --max-new 256 --out $OUT/perf_rollout_init.json 2>&1 | clean | tail -6
el perf_rollout done
