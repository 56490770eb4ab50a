#!/usr/bin/env bash
# The whole demo in one device call (one H100, under 600 s): init-model (~30M) -> SFT ->
# GRPO from the SFT checkpoint, with lm-eval on the SFT checkpoint running beside GRPO (a ~30M
# model leaves the GPU mostly idle), then lm-eval on the GRPO checkpoint.
set -uo pipefail
source benchmarks/results/gpu_run/common.sh
init_and_sft
evaluate sft > $W/eval_sft.out 2>&1 & EVAL=$!
python3 -m trainers grpo --config grpo_demo --model $W/sft --data $D --out $W/grpo 2>&1 | clean > $OUT/grpo.log; tail -2 $OUT/grpo.log
el grpo done
wait $EVAL; tail -22 $W/eval_sft.out
evaluate grpo | tail -22
# at most 8 files come back: summaries and per-sample lm-eval logs travel in one archive
cp $W/sft/sft_summary.json $W/grpo/grpo_summary.json $W/
tar czf $OUT/summaries_and_samples.tgz -C $W sft_summary.json grpo_summary.json lm_eval_sft lm_eval_grpo; el all done
