#!/usr/bin/env bash
# The GPU demo of issue 8, as run on one H100 through the `run` device tool:
#   init-model (~30M) -> SFT on train -> GRPO from SFT -> greedy eval of both on test.
# Data was built on the CPU beforehand:
#   python -m generators build --config benchmarks/results/train_demo/suite.yaml --out .gpu_carry/data --workers 2
set -euo pipefail
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
D=.gpu_carry/data
rm -rf /tmp/site_ls; PYV=$(python3 -c "import sys;print(f'{sys.version_info[0]}{sys.version_info[1]}')")
python3 -m pip install -q --no-deps --no-index --target /tmp/site_ls $(ls .gpu_carry/wheels/*.whl | grep -v multiprocess) .gpu_carry/wheels/multiprocess-*-py$PYV-*.whl 2>&1 | tail -3 || true
rm -rf /tmp/site; export PYTHONPATH=/tmp/site_ls:$PWD
python3 -c "import pydantic,torch,transformers,trl,datasets;print('torch',torch.__version__,'transformers',transformers.__version__,'trl',trl.__version__,'datasets',datasets.__version__,torch.cuda.get_device_name())"
t0=$(date +%s)
python3 -m trainers init-model --data $D --size demo --out runs/init
python3 -m trainers sft --config trainers/configs/sft_demo.yaml --model runs/init --data $D --out runs/sft 2>&1 | grep -v "it/s]\|s/it]" | tee $OUT/sft.log | tail -5
cp runs/sft/sft_summary.json $OUT/ || true
echo "sft done at $(( $(date +%s) - t0 ))s"
python3 -m trainers.evaluate --model runs/sft --data $D --split test --sample 512 --batch-size 256 --max-new-tokens 640 --out $OUT/eval_sft.json
echo "eval sft done at $(( $(date +%s) - t0 ))s"
python3 -m trainers grpo --config trainers/configs/grpo_demo.yaml --model runs/sft --data $D --out runs/grpo 2>&1 | grep -v "it/s]\|s/it]" > $OUT/grpo.log; tail -3 $OUT/grpo.log
cp runs/grpo/grpo_summary.json $OUT/ || true
echo "grpo done at $(( $(date +%s) - t0 ))s"
python3 -m trainers.evaluate --model runs/grpo --data $D --split test --sample 512 --batch-size 256 --max-new-tokens 640 --out $OUT/eval_grpo.json
echo "all done at $(( $(date +%s) - t0 ))s"
