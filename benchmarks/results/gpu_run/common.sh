# Shared by run_all.sh and run_sft.sh: carried wheels, environment, and the lm-eval call.
# REPO is the checkout that holds .gpu_carry/ (data, wheels) and .gpu_work/ (checkpoints); the
# code runs from the current folder (on the device: a snapshot of HEAD in .gpu_carry/src, so
# that uncommitted edits in the working tree do not travel into the run).
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
REPO=${REPO:-$PWD}; D=$REPO/.gpu_carry/data; W=$REPO/.gpu_work
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site $REPO/.gpu_carry/wheels/*.whl 2>&1 | tail -2
export PYTHONPATH=/tmp/site:$PWD PATH=/tmp/site/bin:$PATH LOGIC_SUITE_DATA=$D
clean() { tr '\r' '\n' | grep -v 'it/s\]$\|s/it\]$\|examples/s\]$\|^\s*$'; }
t0=$(date +%s); el() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
# lm-eval on the test split: the logic_suite group (every family x level 1-4), chat template,
# greedy, 640 new tokens, the first 40 test rows of each family x level task (480 rows,
# one generation batch: a ~30M model is latency-bound, so one large batch is fastest).
evaluate() {
  python3 -m lm_eval --model hf --model_args pretrained=$W/$1,dtype=bfloat16 \
    --device cuda --batch_size 512 --tasks logic_suite \
    --include_path "$(python3 -m benchmarks tasks-path)" --apply_chat_template \
    --gen_kwargs max_gen_toks=640 --limit 40 --log_samples \
    --output_path $W/lm_eval_$1 2>&1 | clean > $OUT/lm_eval_$1.log
  tail -45 $OUT/lm_eval_$1.log
  cp "$(ls $W/lm_eval_$1/*/results_*.json)" $OUT/lm_eval_$1.json
  el lm_eval $1 done
}
# Fresh work folder, versions, init-model (~30M) on the build, SFT on its train split.
init_and_sft() {
  rm -rf $W; mkdir -p $W
  python3 -c "import torch,transformers,trl,lm_eval;print('torch',torch.__version__,'transformers',transformers.__version__,'trl',trl.__version__,'lm_eval',lm_eval.__version__,torch.cuda.get_device_name())"
  python3 -m trainers init-model --data $D --size demo --out $W/init 2>&1 | clean | tail -1; el init done
  python3 -m trainers sft --config sft_demo --model $W/init --data $D --out $W/sft 2>&1 | clean > $OUT/sft.log; tail -2 $OUT/sft.log
  el sft done
}
