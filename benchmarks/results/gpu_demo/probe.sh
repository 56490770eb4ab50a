#!/usr/bin/env bash
# Device call 1 (diagnosis): SFT throughput with packing + compile, a NaN probe of left-padded
# sampling batches, and a short GRPO run under CUDA_LAUNCH_BLOCKING=1 (full stderr kept).
set -uo pipefail
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"; D=.gpu_carry/data; R=/tmp/r; mkdir -p $R
PYV=$(python3 -c "import sys;print(f'{sys.version_info[0]}{sys.version_info[1]}')")
python3 -m pip install -q --no-deps --no-index --target /tmp/site_ls $(ls .gpu_carry/wheels/*.whl | grep -v multiprocess) .gpu_carry/wheels/multiprocess-*-py$PYV-*.whl 2>&1 | tail -2
export PYTHONPATH=/tmp/site_ls:$PWD
clean() { tr '\r' '\n' | grep -v 'it/s\]$\|s/it\]$\|examples/s\]$'; }
t0=$(date +%s)
python3 -m trainers init-model --data $D --size demo --out $R/init 2>&1 | clean
echo "init done $(( $(date +%s) - t0 ))s"
python3 -m trainers sft --config sft_demo --model $R/init --data $D --out $R/sft --set stop_after_s=${SFT_S:-100} --set train.logging_steps=10 --set train.max_steps=${SFT_STEPS:-400} 2>&1 | clean > $OUT/sft_probe.log; tail -4 $OUT/sft_probe.log
echo "sft done $(( $(date +%s) - t0 ))s"
python3 benchmarks/results/gpu_demo/probe_nan.py $R/sft $D 2>&1 | clean | tee $OUT/probe_nan.log | tail -8
CUDA_LAUNCH_BLOCKING=1 python3 -m trainers grpo --config grpo_demo --model $R/sft --data $D --out $R/grpo --set train.max_steps=4 2>&1 | clean > $OUT/grpo_probe.log; echo "grpo rc $?"
grep -n -i "assert\|error\|nan" $OUT/grpo_probe.log | head -20; tail -5 $OUT/grpo_probe.log
echo "grpo done $(( $(date +%s) - t0 ))s"
