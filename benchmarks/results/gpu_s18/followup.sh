#!/usr/bin/env bash
# Session 18, calls 3 and 4, on the same warm machine after pipeline.sh (which had run GRPO's
# evaluation beside the pairs' generation at batch 128: both out of memory on the 80 GB H100).
# Call 3 evaluated GRPO (the pairs, at batch 128 alone, ran out of memory again); call 4 made the
# pairs at batch 64 from 600 train rows, trained DPO and evaluated it. What each call ran:
cd /tmp/s18w/src && export W=/tmp/s18w S=/tmp/s18w && source benchmarks/results/gpu_s13/common.sh && R=$W/res
# call 3
python3 -m trainers.evaluate --model $W/grpo --data $D --split validation --max-new-tokens 1536 \
  --batch-size 256 --out $R/eval_grpo_validation.json
python3 -m benchmarks report $R/eval_sft_validation.json $R/eval_grpo_validation.json --labels sft grpo --out $R/report_sft_grpo
# call 4
python3 -m trainers pairs --mode on-policy --data $D --split train --limit 600 --model $W/sft --k 4 \
  --batch-size 64 --max-new-tokens 1536 --out $W/pairs.jsonl
python3 -m trainers dpo --config dpo_fast_demo --model $W/sft --data $W/pairs.jsonl --out $W/dpo
python3 -m trainers.evaluate --model $W/dpo --data $D --split validation --max-new-tokens 1536 \
  --batch-size 256 --out $R/eval_dpo_validation.json
python3 -m benchmarks report $R/eval_sft_validation.json $R/eval_dpo_validation.json --labels sft dpo --out $R/report_sft_dpo
