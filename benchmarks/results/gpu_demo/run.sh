#!/usr/bin/env bash
# Issue 8 GPU demo, one device call on one H100:
#   init-model (~30M) -> SFT on train -> eval SFT on test -> GRPO from SFT -> eval GRPO on test.
# Data was built on the CPU beforehand (benchmarks/results/train_demo/suite.yaml) and carried
# in .gpu_carry/data, with wheels for trl/datasets/pydantic in .gpu_carry/wheels.
set -uo pipefail
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"; D=.gpu_carry/data; R=/tmp/demo; rm -rf $R; mkdir -p $R
PYV=$(python3 -c "import sys;print(f'{sys.version_info[0]}{sys.version_info[1]}')")
python3 -m pip install -q --no-deps --no-index --target /tmp/site_ls $(ls .gpu_carry/wheels/*.whl | grep -v multiprocess) .gpu_carry/wheels/multiprocess-*-py$PYV-*.whl 2>&1 | tail -2
export PYTHONPATH=/tmp/site_ls:$PWD
clean() { tr '\r' '\n' | grep -v 'it/s\]$\|s/it\]$\|examples/s\]$\|^\s*$'; }
t0=$(date +%s); el() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
python3 -c "import torch,transformers,trl;print('torch',torch.__version__,'transformers',transformers.__version__,'trl',trl.__version__,torch.cuda.get_device_name())"
python3 -m trainers init-model --data $D --size demo --out $R/init 2>&1 | clean; el init done
python3 -m trainers sft --config sft_demo --model $R/init --data $D --out $R/sft "$@" 2>&1 | clean > $OUT/sft.log; tail -2 $OUT/sft.log
cp $R/sft/sft_summary.json $OUT/; el sft done
EV="--data $D --split test --sample 512 --batch-size 256 --max-new-tokens 512"
python3 -m trainers.evaluate --model $R/sft $EV --out $OUT/eval_sft.json 2>&1 | clean | tail -1; el eval sft done
python3 -m trainers grpo --config grpo_demo --model $R/sft --data $D --out $R/grpo 2>&1 | clean > $OUT/grpo.log; tail -2 $OUT/grpo.log
cp $R/grpo/grpo_summary.json $OUT/; el grpo done
python3 -m trainers.evaluate --model $R/grpo $EV --out $OUT/eval_grpo.json 2>&1 | clean | tail -1; el all done
