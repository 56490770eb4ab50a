#!/usr/bin/env bash
# Device call 1 of 2 (one H100): install carried wheels, init-model (~30M) on the gpu_run build,
# SFT on its train split, then lm-eval (`--model hf`, logic_suite group) on the SFT checkpoint.
# The checkpoint stays in .gpu_work/ (git-ignored) on the warm machine for call 2 (run_grpo.sh).
set -uo pipefail
source benchmarks/results/gpu_run/common.sh
rm -rf $W; mkdir -p $W
python3 -c "import torch,transformers,trl,lm_eval;print('torch',torch.__version__,'transformers',transformers.__version__,'trl',trl.__version__,'lm_eval',lm_eval.__version__,torch.cuda.get_device_name())"
python3 -m trainers init-model --data $D --size demo --out $W/init 2>&1 | clean | tail -3; el init done
python3 -m trainers sft --config sft_demo --model $W/init --data $D --out $W/sft 2>&1 | clean > $OUT/sft.log; tail -3 $OUT/sft.log
cp $W/sft/sft_summary.json $OUT/; el sft done
evaluate sft
