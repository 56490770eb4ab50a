#!/usr/bin/env bash
# Call 2: SFT (fast path, data.pack) on the train split of the 50x build, then greedy
# evaluation of the checkpoint on the evaluation build's validation and test splits.
set -uo pipefail
source benchmarks/results/gpu_s13/common.sh
T=$W/train_data
rm -rf $W/sft
python3 -m trainers sft --config sft_fast_demo --model $W/init --out $W/sft --data $T \
  --set stream.enabled=false --set data.pack=true --set train.max_steps=${STEPS:-4000} \
  --set stop_after_s=${TRAIN_S:-400} --set train.warmup_steps=120 2>&1 | clean | grep -v "indexing errors" > $OUT/sft.log; tail -4 $OUT/sft.log
cp $W/sft/sft_data.json $W/sft/sft_summary.json $OUT/ 2>/dev/null
el sft done
evaluate sft validation
evaluate sft test
