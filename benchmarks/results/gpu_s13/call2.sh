#!/usr/bin/env bash
# Call 2: eval build, demo init, SFT throughput of the fast recipe (benchmark), then the real
# run: `trainers sft --config sft_fast_demo` on puzzles streamed from the default generator
# config by 15 worker processes, and greedy evaluation of the checkpoint on validation and test.
set -uo pipefail
source benchmarks/results/gpu_s13/common.sh
build_and_init
python3 benchmarks/perf_sft.py --model $W/init --data $D --recipes fast --out $OUT/perf_sft.json 2>&1 | clean | grep -v "^{'\|indexing errors" | tail -6
el perf_sft done
rm -rf $W/sft
python3 -m trainers sft --config sft_fast_demo --model $W/init --out $W/sft 2>&1 | clean | grep -v "indexing errors" > $OUT/sft.log; tail -4 $OUT/sft.log
cp $W/sft/sft_data.json $W/sft/sft_summary.json $OUT/ 2>/dev/null
el sft done
evaluate sft validation
evaluate sft test
