#!/usr/bin/env bash
# Issue 16, session 19: the whole GPU run as one background job (start.sh starts it with setsid,
# so it outlives a device call; poll.sh follows it). As session 18's, with what changed since:
# - NAME_POOL=broad by default: streamed training puzzles draw first names from ~13k names
#   (templates/names_broad.yaml) instead of 1,206, so a name can only be written by copying it;
# - 6-8 training phrasings per clue kind in the seating, objects and blood-relation banks (was
#   4-5), for the held-out-templates gap;
# - the stream drops held-out drafts before proving them (~1.2x train puzzles/s per worker);
# - a probe during SFT (where the trainer's CPU time goes: top, py-spy, nvidia-smi);
# - GRPO at GRPO_LR (default 1.5e-4; session 18's 5e-5 moved nothing in 145 steps);
# - after DPO, a step-rate A/B of short SFT runs on the same machine (AB=0 skips it): packed
#   rows of a built split (no stream), the stream with 4 workers, and batch 64 with the stream
#   (the main SFT run is the baseline: the stream with its default workers at batch 32).
# Knobs: TRAIN_S, STEPS (the token cap: x 65536), GRPO_S, GRPO_LR, PAIRS_N, AB, AB_S, SMOKE=1
# (CPU dry run), NAME_POOL (standard reproduces session 18's pool).
set -uo pipefail
source benchmarks/results/gpu_s13/common.sh
R=$W/res; mkdir -p $R
EVAL_CFG=${EVAL_CFG:-benchmarks/results/gpu_s15/eval.yaml}
STREAM_CFG=${STREAM_CFG:-default}
STEPS=${STEPS:-6000} TRAIN_S=${TRAIN_S:-560} GRPO_S=${GRPO_S:-290} PAIRS_N=${PAIRS_N:-800}
NAME_POOL=${NAME_POOL-broad} GRPO_LR=${GRPO_LR:-1.5e-4} AB=${AB:-1} AB_S=${AB_S:-50}
NEW=${NEW:-1536} WORKERS=${WORKERS:-16} STREAM_WORKERS=${STREAM_WORKERS:-14}
CPU=(); SFT_X=(); GRPO_X=(); DPO_X=()
if [ "${SMOKE:-0}" = 1 ]; then
  CPU=(--set train.use_cpu=true --set train.bf16=false)
  SFT_X=(--set train.torch_compile=false --set train.per_device_train_batch_size=2 --set train.optim=adamw_torch --set stream.replay_min=16)
  GRPO_X=(--set train.max_steps=2 --set train.per_device_train_batch_size=4 --set train.num_generations=4 --set train.steps_per_generation=1 --set train.max_completion_length=64)
  DPO_X=(--set train.max_steps=2 --set train.per_device_train_batch_size=2 --set train.dataloader_num_workers=0 --set train.max_length=1024)
fi
stage() { echo "$1" > $R/stage; el "$1"; }

stage install-and-eval-build
python3 -c "import torch,transformers,trl,datasets,z3;print('torch',torch.__version__,'transformers',transformers.__version__,'trl',trl.__version__,'datasets',datasets.__version__,'z3',z3.get_version_string(),'cuda',torch.cuda.is_available() and torch.cuda.get_device_name(),'cpus',__import__('os').cpu_count())" | tee $R/versions.txt
lscpu | grep -E '^(CPU\(s\)|Thread|Core|Socket|Model name)' | tee -a $R/versions.txt
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee -a $R/versions.txt
[ -d $D ] || python3 -m generators build --config $EVAL_CFG --out $D --workers $WORKERS --no-progress 2>&1 | clean | tail -3 | tee $R/eval_build.log
# the same suite with held_out_templates off: the same items; test rows keep held-out names
# but read training phrasings
DN=$W/data_names
if [ -f $EVAL_CFG ]; then
  grep -v '^held_out_templates:' $EVAL_CFG > $W/eval_names.yaml; echo 'held_out_templates: false' >> $W/eval_names.yaml
fi
[ -d $DN ] || [ ! -f $W/eval_names.yaml ] || python3 -m generators build --config $W/eval_names.yaml --out $DN --workers $WORKERS --no-progress 2>&1 | clean | tail -1 | tee -a $R/eval_build.log
[ -d $W/init ] || python3 -m trainers init-model --data $D --size ${SIZE:-demo} --out $W/init 2>&1 | clean | tail -1
cp $W/init/logic_suite_init.json $R/ 2>/dev/null

stage stream-rate  # the stream alone, trainer idle: what the cores make without contention
python3 -c "
import json, sys; sys.path.insert(0, 'benchmarks')
from perf_sft import stream_rate
r = stream_rate('$W/init', ${RATE_S:-15}, $STREAM_WORKERS); r.pop('stream')
print(json.dumps(r)); json.dump(r, open('$R/stream_rate_idle.json', 'w'))
" 2>&1 | grep -v "indexing errors" | tail -2

probe() {  # where the trainer's time goes, PROBE_AT s into SFT: threads, GPU, Python stacks
  sleep ${PROBE_AT:-200}; local pid; pid=$(pgrep -f "trainers sft" | head -1); [ -n "$pid" ] || return
  { echo "== top (threads of the trainer, then all processes)"; top -b -n 2 -d 3 -H -p $pid | tail -25
    top -b -n 2 -d 3 | grep -A25 '^ *PID' | tail -26; cat /proc/loadavg
    grep MHz /proc/cpuinfo | sort | uniq -c | sort -rn | head -5
    echo "== nvidia-smi"; nvidia-smi --query-gpu=utilization.gpu,clocks.sm,power.draw,memory.used --format=csv -lms 250 & local nv=$!; sleep 4; kill $nv
    echo "== py-spy dump"; py-spy dump --pid $pid 2>&1 | head -80; } > $R/sft_probe.txt 2>&1
  py-spy record --pid $pid -d 15 -r 200 --threads --format raw -o $R/sft_pyspy.txt > /dev/null 2>&1
}
stage sft
[ "${SMOKE:-0}" = 1 ] || probe &
python3 -m trainers sft --config sft_fast_demo --model $W/init --out $W/sft --stream $STREAM_CFG \
  --set stream.replay=true --set train.max_steps=$STEPS \
  --set stop_after_s=$TRAIN_S --set train.warmup_steps=200 ${NAME_POOL:+--set stream.name_pool=$NAME_POOL} \
  "${CPU[@]}" "${SFT_X[@]}" 2>&1 | clean | grep -v "indexing errors" > $R/sft.log
tail -3 $R/sft.log; grep '^\[sft\]' $R/sft.log; cp $W/sft/sft_data.json $W/sft/sft_summary.json $R/ 2>/dev/null
[ -f $W/sft/model.safetensors ] || { stage sft-failed; exit 1; }

ev() {  # ev CKPT SPLIT [DATA [TAG]]
  python3 -m trainers.evaluate --model $W/$1 --data ${3:-$D} --split $2 --max-new-tokens $NEW \
    --batch-size ${EVAL_BS:-128} ${LIMIT:+--limit $LIMIT} --out $R/eval_$1_$2${4:-}.json 2>&1 | clean | tail -2
  el "eval $1 $2${4:-}"
}
grpo_run() {
  el grpo
  python3 -m trainers grpo --config grpo_fast_demo --model $W/sft --data $D --out $W/grpo \
    --set stop_after_s=$GRPO_S --set train.max_steps=${GRPO_STEPS:-400} --set train.learning_rate=$GRPO_LR "${CPU[@]}" "${GRPO_X[@]}" 2>&1 | clean > $R/grpo.log
  tail -3 $R/grpo.log; cp $W/grpo/grpo_summary.json $R/ 2>/dev/null
}
pairs_dpo() {
  python3 -m trainers pairs --mode on-policy --data $D --split train --limit $PAIRS_N --model $W/sft \
    --k 4 --batch-size ${PAIRS_BS:-64} --max-new-tokens $NEW --out $W/pairs.jsonl 2>&1 | clean | tail -2 | tee $R/pairs.log
  python3 -c "import json,collections;print(collections.Counter(json.loads(l)['kind'] for l in open('$W/pairs.jsonl')))" | tee -a $R/pairs.log
  el dpo
  python3 -m trainers dpo --config dpo_fast_demo --model $W/sft --data $W/pairs.jsonl --out $W/dpo \
    "${CPU[@]}" "${DPO_X[@]}" 2>&1 | clean > $R/dpo.log
  tail -3 $R/dpo.log; cp $W/dpo/dpo_summary.json $R/ 2>/dev/null
  [ -f $W/dpo/model.safetensors ] && ev dpo validation
}
# One job on the GPU at a time where timing is measured (SFT, GRPO); evaluations at batch 256.
stage eval-sft
EVAL_BS=${EVAL_BS:-256}
ev sft validation; ev sft test; [ -d $DN ] && ev sft test $DN _names
stage grpo
grpo_run
stage after-grpo  # GRPO's evaluation, then pairs and DPO, one at a time: on an 80 GB H100 the
# session-18 run had them side by side and both ran out of memory (followup.sh redid them)
[ -f $W/grpo/model.safetensors ] && ev grpo validation
pairs_dpo > $R/dpo_branch.log 2>&1; cat $R/dpo_branch.log
stage tables
[ -f $R/grpo_summary.json ] && python3 -m benchmarks curve $R/grpo_summary.json --out $R/reward_curve 2>&1 | tail -25
for b in grpo dpo; do
  [ -f $R/eval_${b}_validation.json ] && python3 -m benchmarks report $R/eval_sft_validation.json \
    $R/eval_${b}_validation.json --labels sft $b --out $R/report_sft_$b 2>&1 | tail -12
done
[ -f $R/eval_sft_test.json ] && python3 -m benchmarks report $R/eval_sft_validation.json $R/eval_sft_test.json \
  --labels validation test --out $R/report_sft_val_vs_test 2>&1 | tail -3
[ -f $R/eval_sft_test_names.json ] && python3 -m benchmarks report $R/eval_sft_validation.json \
  $R/eval_sft_test_names.json --labels validation test_names --out $R/report_sft_val_vs_test_names 2>&1 | tail -3
ab() {  # ab TAG ARGS...: a short SFT from the same init, its step rate after step 1
  python3 -m trainers sft --config sft_fast_demo --model $W/init --out $W/ab_$1 --set train.max_steps=$STEPS \
    --set stop_after_s=$AB_S --set train.warmup_steps=200 "${@:2}" "${CPU[@]}" "${SFT_X[@]}" 2>&1 | clean \
    | grep -v "indexing errors" > $R/ab_$1.log
  cp $W/ab_$1/sft_data.json $R/ab_$1_data.json 2>/dev/null
  python3 benchmarks/results/gpu_s19/ab_rate.py $1 $R $W/ab_$1 | tee -a $R/ab.txt
}
if [ "$AB" = 1 ]; then stage ab
  ab pack --set stream.enabled=false --set data.pack=true --data $D
  ab stream4 --stream $STREAM_CFG --set stream.replay=true --set stream.workers=4
  ab batch64 --stream $STREAM_CFG --set stream.replay=true --set train.per_device_train_batch_size=64
fi
stage done
