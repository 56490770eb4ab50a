#!/usr/bin/env bash
# Follow the background pipeline for up to $1 seconds (or until it is done), copying its results
# to $OUT every 20 s (one tarball and the log: the device returns at most 8 files), so a call cut
# short by the device budget still returns what was done.
set -u
W=${W:-/tmp/s19w}; OUT=${OUT:-/tmp/out}; end=$(( $(date +%s) + ${1:-500} ))
save() { tar -C $W -czf $OUT/res.tgz.part res 2>/dev/null && mv $OUT/res.tgz.part $OUT/res.tgz; cp $W/pipeline.log $OUT/ 2>/dev/null; }
n=0
while [ $(date +%s) -lt $end ]; do
  st=$(cat $W/res/stage 2>/dev/null); case "$st" in done|sft-failed) break;; esac; sleep 5
  n=$((n + 1)); [ $((n % 4)) = 0 ] && save
done
echo "stage: $(cat $W/res/stage 2>/dev/null)"; tail -25 $W/pipeline.log
save
