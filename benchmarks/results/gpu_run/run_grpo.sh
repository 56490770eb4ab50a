#!/usr/bin/env bash
# Device call 2 of 2 (issued right after call 1 returns, so the same warm machine): GRPO from the SFT checkpoint that call 1 left in
# .gpu_work/sft, then lm-eval on the GRPO checkpoint with the same settings as call 1.
set -uo pipefail
source benchmarks/results/gpu_run/common.sh
test -f $W/sft/config.json || { echo "no $W/sft: the machine was not kept warm"; exit 3; }
python3 -m trainers grpo --config grpo_demo --model $W/sft --data $D --out $W/grpo 2>&1 | clean > $OUT/grpo.log; tail -3 $OUT/grpo.log
cp $W/grpo/grpo_summary.json $OUT/; el grpo done
evaluate grpo
