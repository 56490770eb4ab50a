#!/usr/bin/env bash
# Start pipeline.sh in its own process session (it outlives this device call), from a snapshot
# of the tree in $W/src; then follow it with poll.sh for up to $1 seconds.
set -u
export S=${S:-$PWD/dist/s19} W=${W:-/tmp/s19w}; mkdir -p $W
rm -rf $W/src; mkdir -p $W/src; cp -r benchmarks generators verifiers templates trainers cards pyproject.toml $W/src/
(cd $W/src && setsid nohup bash benchmarks/results/gpu_s19/pipeline.sh > $W/pipeline.log 2>&1 < /dev/null &)
sleep 2; bash benchmarks/results/gpu_s19/poll.sh ${1:-500}
