#!/usr/bin/env bash
# Device calls 3 and 4 (val_a/, val_b/): run_all.sh's demo again (init-model -> SFT -> GRPO),
# with lm-eval on the validation split (training names and templates, 20 rows a task) as well
# as the test split (held-out names and templates, 40 rows a task). The validation scores
# separate reasoning from copying names the model has never seen.
# Call 3 ran `evaluate sft` and `evaluate sft val` together beside GRPO: GRPO ran out of GPU
# memory, so only the SFT scores came back (val_a/). Call 4, this script, runs one
# evaluation beside GRPO (the SFT checkpoint on validation; its test score is in val_a/ and
# final/) and then both evaluations of the GRPO checkpoint together, inside the 600 s limit.
# lm-eval logs and samples come back in one archive (at most 8 files come back).
set -uo pipefail
LOGS=/tmp/logs; mkdir -p $LOGS
source benchmarks/results/gpu_run/common.sh
init_and_sft
val_data
evaluate sft val > $W/eval_sft_val.out 2>&1 & EVAL=$!
python3 -m trainers grpo --config grpo_demo --model $W/sft --data $D --out $W/grpo 2>&1 | clean > $OUT/grpo.log; tail -2 $OUT/grpo.log
el grpo done
wait $EVAL; tail -n 12 $W/eval_sft_val.out
evaluate grpo > $W/eval_grpo.out 2>&1 & evaluate grpo val > $W/eval_grpo_val.out 2>&1; wait
tail -n 12 $W/eval_grpo.out $W/eval_grpo_val.out
cp $W/sft/sft_summary.json $W/grpo/grpo_summary.json $LOGS/
cp -r $W/lm_eval_sft_val $W/lm_eval_grpo $W/lm_eval_grpo_val $LOGS/
tar czf $OUT/logs_summaries_samples.tgz -C $LOGS .; ls -la $OUT; el all done
