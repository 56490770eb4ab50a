# Shared by run_all.sh, run_sft.sh and run_val.sh: carried wheels, environment, and the lm-eval call.
# REPO is the checkout that holds .gpu_carry/ (data, wheels) and .gpu_work/ (checkpoints); the
# code runs from the current folder (on the device: a snapshot of HEAD in .gpu_carry/src, so
# that uncommitted edits in the working tree do not travel into the run).
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
REPO=${REPO:-$PWD}; D=$REPO/.gpu_carry/data; W=$REPO/.gpu_work; LOGS=${LOGS:-$OUT}
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site $REPO/.gpu_carry/wheels/*.whl 2>&1 | tail -2
export PYTHONPATH=/tmp/site:$PWD PATH=/tmp/site/bin:$PATH LOGIC_SUITE_DATA=$D
clean() { tr '\r' '\n' | grep -v 'it/s\]$\|s/it\]$\|examples/s\]$\|^\s*$'; }
t0=$(date +%s); el() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
# lm-eval on the test split: the logic_suite group (every family x level 1-4), chat template,
# greedy, 640 new tokens, the first 40 test rows of each family x level task (480 rows,
# one generation batch: a ~30M model is latency-bound, so one large batch is fastest).
# `evaluate CKPT val` scores the validation split instead (training names and templates: an
# in-distribution check), the first 20 rows of each task, through val_data's view of the build.
evaluate() {
  local name=$1 limit=40 data=$D batch=512
  # (20 rows a task: 240 rows, one batch of 256, so that it fits beside another evaluation)
  if [ "${2:-}" = val ]; then name=$1_val limit=20 data=$W/data_val batch=256; fi
  LOGIC_SUITE_DATA=$data python3 -m lm_eval --model hf --model_args pretrained=$W/$1,dtype=bfloat16 \
    --device cuda --batch_size $batch --tasks logic_suite \
    --include_path "$(python3 -m benchmarks tasks-path)" --apply_chat_template \
    --gen_kwargs max_gen_toks=640 --limit $limit --log_samples \
    --output_path $W/lm_eval_$name 2>&1 | clean > $LOGS/lm_eval_$name.log
  tail -45 $LOGS/lm_eval_$name.log
  cp "$(ls $W/lm_eval_$name/*/results_*.json)" $OUT/lm_eval_$name.json
  el lm_eval $name done
}
# The build with its validation split served as the test split: the same data files, a README
# whose `all` config points its test split at the validation files (split sizes dropped).
val_data() {
  mkdir -p $W/data_val && ln -sfn $D/data $W/data_val/data && cp $D/build_info.json $W/data_val/
  python3 benchmarks/results/gpu_run/val_readme.py $D/README.md $W/data_val/README.md
}
# Fresh work folder, versions, init-model (~30M) on the build, SFT on its train split.
init_and_sft() {
  rm -rf $W; mkdir -p $W
  python3 -c "import torch,transformers,trl,lm_eval;print('torch',torch.__version__,'transformers',transformers.__version__,'trl',trl.__version__,'lm_eval',lm_eval.__version__,torch.cuda.get_device_name())"
  python3 -m trainers init-model --data $D --size demo --out $W/init 2>&1 | clean | tail -1; el init done
  python3 -m trainers sft --config sft_demo --model $W/init --data $D --out $W/sft 2>&1 | clean > $OUT/sft.log; tail -2 $OUT/sft.log
  el sft done
}
