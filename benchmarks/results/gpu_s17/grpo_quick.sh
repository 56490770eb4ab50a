#!/usr/bin/env bash
# Issue 16, session 17, second call: GRPO alone, in the foreground of one device call, on what
# remained of the session's device time (the full pipeline's GRPO branch ran out of GPU memory
# beside the evaluation branch, and its SFT checkpoint went with the machine). A short streamed
# SFT (the same recipe, STEPS/TRAIN_S), its validation accuracy, GRPO (grpo_fast_demo) for
# GRPO_S seconds, its validation accuracy, the reward curve and the SFT->GRPO table, all written
# to $OUT as they finish. Run from the repo root: `W=/tmp/s17q bash .../grpo_quick.sh`.
set -uo pipefail
source benchmarks/results/gpu_s13/common.sh
R=$OUT
STEPS=${STEPS:-1000} TRAIN_S=${TRAIN_S:-170} GRPO_S=${GRPO_S:-110}
el build
python3 -m generators build --config benchmarks/results/gpu_s15/eval.yaml --out $D --workers 16 --no-progress 2>&1 | clean | tail -1
python3 -m trainers init-model --data $D --size demo --out $W/init 2>&1 | clean | tail -1
el sft
timeout 330 python3 -m trainers sft --config sft_fast_demo --model $W/init --out $W/sft --stream default \
  --set stream.replay=true --set stream.workers=14 --set train.max_steps=$STEPS \
  --set stop_after_s=$TRAIN_S --set train.warmup_steps=100 2>&1 | clean | grep -v "indexing errors" > $R/sft_q.log
grep '^\[sft\]\|^{"data' $R/sft_q.log; cp $W/sft/sft_data.json $R/sft_q_data.json
ev() { timeout 90 python3 -m trainers.evaluate --model $W/$1 --data $D --split validation --max-new-tokens 1536 \
  --batch-size 256 --out $R/eval_$1_q_validation.json 2>&1 | clean | tail -1; el "eval $1"; }
ev sft
el grpo
timeout $((GRPO_S + 90)) python3 -m trainers grpo --config grpo_fast_demo --model $W/sft --data $D --out $W/grpo \
  --set stop_after_s=$GRPO_S --set train.max_steps=400 2>&1 | clean > $R/grpo_q.log
grep -v '^\s' $R/grpo_q.log | tail -2; cp $W/grpo/grpo_summary.json $R/grpo_q_summary.json
el grpo done
ev grpo
python3 -m benchmarks curve $R/grpo_q_summary.json --out $R/reward_curve_q 2>&1 | tail -22
python3 -m benchmarks report $R/eval_sft_q_validation.json $R/eval_grpo_q_validation.json --labels sft grpo \
  --out $R/report_sft_grpo_q 2>&1 | tail -16
