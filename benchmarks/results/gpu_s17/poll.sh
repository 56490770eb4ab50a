#!/usr/bin/env bash
# Follow the background pipeline for up to $1 seconds (or until it is done), then copy its results
# to $OUT (one tarball and the log: the device returns at most 8 files).
set -u
W=${W:-/tmp/s17w}; OUT=${OUT:-/tmp/out}; end=$(( $(date +%s) + ${1:-500} ))
while [ $(date +%s) -lt $end ]; do
  st=$(cat $W/res/stage 2>/dev/null); case "$st" in done|sft-failed) break;; esac; sleep 5
done
echo "stage: $(cat $W/res/stage 2>/dev/null)"; tail -25 $W/pipeline.log
tar -C $W -czf $OUT/res.tgz res; cp $W/pipeline.log $OUT/
