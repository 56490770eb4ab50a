#!/usr/bin/env bash
# Third device call (val/): run_all.sh's demo again (init-model -> SFT -> GRPO), with each
# checkpoint scored by lm-eval on the test split (held-out names and templates, 40 rows a
# task) and on the validation split (training names and templates, 20 rows a task). The
# validation scores separate reasoning from copying names the model has never seen.
# lm-eval logs and samples come back in one archive (at most 8 files come back).
set -uo pipefail
LOGS=/tmp/logs; mkdir -p $LOGS
source benchmarks/results/gpu_run/common.sh
init_and_sft
val_data
(evaluate sft > $W/eval_sft.out 2>&1 & evaluate sft val > $W/eval_sft_val.out 2>&1 & wait) & EVAL=$!
python3 -m trainers grpo --config grpo_demo --model $W/sft --data $D --out $W/grpo 2>&1 | clean > $OUT/grpo.log; tail -2 $OUT/grpo.log
el grpo done
wait $EVAL; tail -12 $W/eval_sft.out $W/eval_sft_val.out
evaluate grpo > $W/eval_grpo.out 2>&1 & evaluate grpo val > $W/eval_grpo_val.out 2>&1; wait
tail -12 $W/eval_grpo.out $W/eval_grpo_val.out
cp $W/sft/sft_summary.json $W/grpo/grpo_summary.json $LOGS/
cp -r $W/lm_eval_sft $W/lm_eval_sft_val $W/lm_eval_grpo $W/lm_eval_grpo_val $LOGS/
tar czf $OUT/logs_summaries_samples.tgz -C $LOGS .; ls -la $OUT; el all done
