#!/usr/bin/env bash
# First device call (call_a/): init-model -> SFT (then at max_steps 1500) -> lm-eval on the SFT
# checkpoint. Its GRPO half could not follow: the machine was given back between calls, so the
# whole demo now runs in one call, run_all.sh.
set -uo pipefail
source benchmarks/results/gpu_run/common.sh
init_and_sft
cp $W/sft/sft_summary.json $OUT/
evaluate sft
