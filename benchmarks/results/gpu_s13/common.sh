# Shared by call1.sh / call2.sh / call3.sh (run from a snapshot of the branch in $S/src, with
# the wheels in $S/whl; S is the carried folder). Work files go to $W (kept while the machine
# stays warm between calls).
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
S=${S:-$(cd ../.. && pwd)}; W=${W:-$S/../s13_work}; OUT=${OUT:-/tmp/out}; mkdir -p $W $OUT
if [ ! -f $W/site/.ok ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target $W/site $S/whl/*.whl 2>&1 | tail -2
  touch $W/site/.ok
fi
export PYTHONPATH=$W/site:$PWD PATH=$W/site/bin:$PATH
clean() { tr '\r' '\n' | grep -v 'it/s\]$\|s/it\]$\|examples/s\]$\|^\s*$\|Writing model shards\|Loading weights'; }
t0=$(date +%s); el() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
D=$W/data
build_and_init() {
  python3 -c "import torch,transformers,trl,datasets,pyarrow,z3;print('torch',torch.__version__,'transformers',transformers.__version__,'trl',trl.__version__,'datasets',datasets.__version__,'pyarrow',pyarrow.__version__,'z3',z3.get_version_string(),torch.cuda.get_device_name(),'cpus',__import__('os').cpu_count())"
  [ -d $D ] || python3 -m generators build --config benchmarks/results/gpu_s13/suite.yaml --out $D --workers 16 2>&1 | clean | tail -3
  el build done
  [ -d $W/init ] || python3 -m trainers init-model --data $D --size demo --out $W/init 2>&1 | clean | tail -1
  cat $W/init/logic_suite_init.json; el init done
}
evaluate() {  # evaluate CKPT SPLIT
  python3 -m trainers.evaluate --model $W/$1 --data $D --split $2 --max-new-tokens 1536 --out $OUT/eval_$1_$2.json 2>&1 | clean | tail -2
  el eval $1 $2 done
}
