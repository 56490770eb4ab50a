#!/usr/bin/env bash
# Call 3 (same machine, right after call 2): GRPO from the SFT checkpoint with fast rollouts,
# greedy evaluation of the GRPO checkpoint on validation, rollout speed on the SFT checkpoint.
set -uo pipefail
source benchmarks/results/gpu_s13/common.sh
[ -f $W/sft/model.safetensors ] || { echo "no SFT checkpoint in $W/sft: the machine was not kept"; exit 3; }
python3 -m trainers grpo --config grpo_fast_demo --model $W/sft --data $D --out $W/grpo 2>&1 | clean > $OUT/grpo.log; tail -3 $OUT/grpo.log
cp $W/grpo/grpo_summary.json $OUT/
el grpo done
evaluate grpo validation
python3 benchmarks/perf_rollout.py --model $W/sft --data $D --batch 256 --max-new 1024 --out $OUT/perf_rollout_sft.json 2>&1 | clean | tail -4
el perf_rollout done
