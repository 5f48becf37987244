#!/usr/bin/env bash
# tools/bench-capacity.sh: how many cores' worth of CPU the machine gives right now. A fixed
# CPU-bound job (an awk loop, no I/O) runs alone, then twice at once; capacity = 2 x (time alone)
# / (wall time of the pair): 2.0 when two cores run it in parallel, 1.0 when the two share one
# (a virtual machine whose host is busy: this VM has shown both within an hour). Wall-clock
# figures at -j2 and the -j1 -> -j2 scaling mean little without it.
set -euo pipefail
spin() { awk 'BEGIN { x = 0; for (i = 0; i < 6000000; i++) x += i % 7; exit x < 0 }'; }
now_ns() { date +%s%N; }
best1=0
best2=0
for r in 1 2 3; do
    s=$(now_ns); spin; e=$(now_ns)
    t1=$((e - s))
    s=$(now_ns); spin & spin; wait; e=$(now_ns)
    t2=$((e - s))
    if [[ $best1 -eq 0 || $t1 -lt $best1 ]]; then best1=$t1; fi
    if [[ $best2 -eq 0 || $t2 -lt $best2 ]]; then best2=$t2; fi
done
awk -v a="$best1" -v b="$best2" -v n="$(nproc)" 'BEGIN {
    printf "machine: %d cores; a CPU-bound job takes %.0f ms alone, %.0f ms wall for two at once (best of 3): %.2f cores of parallel capacity now\n", n, a / 1e6, b / 1e6, 2 * a / b }'
