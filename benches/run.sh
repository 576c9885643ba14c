#!/usr/bin/env bash
# Runs every benchmark and the numpy peer, several times per data size, and prints the ratio
# table of BENCHMARKS.md (benches/report.py).
#
# Usage: benches/run.sh            # 64 MiB x 5 runs, then 2 GiB x 2 runs
#        SIZES="64M" RUNS=2 benches/run.sh
# Environment:
#   SIZES          data sizes, as TYPED_MEMMAP_BENCH_BYTES takes them (default "64M 2G")
#   RUNS           runs per size (default: 5 below 1 GiB, 2 from 1 GiB up)
#   BENCH_ARGS     criterion arguments (default: short warm-up and measurement; 10 samples
#                  from 1 GiB up)
#   TYPED_MEMMAP_BENCH_DIR  where the data files are generated (default: a temp directory)
# The results stay in $CARGO_TARGET_DIR/bench-runs/<size>/run-<n> (default target/).
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=${SIZES:-64M 2G}
target=${CARGO_TARGET_DIR:-target}

cargo bench --all-features --bench '*' --no-run

for size in $sizes; do
    export TYPED_MEMMAP_BENCH_BYTES=$size
    case $size in
        *G | *g) big=1 ;;
        *) big=0 ;;
    esac
    if [ "$big" = 1 ]; then
        runs=${RUNS:-2}
        args=${BENCH_ARGS:---noplot --warm-up-time 1 --measurement-time 5 --sample-size 10}
        peer_seconds=5
    else
        runs=${RUNS:-5}
        args=${BENCH_ARGS:---noplot --warm-up-time 1 --measurement-time 3}
        peer_seconds=3
    fi
    out="$target/bench-runs/$size"
    rm -rf "$out"
    dirs=()
    for run in $(seq 1 "$runs"); do
        dir="$out/run-$run"
        mkdir -p "$dir"
        echo "== size $size, run $run of $runs" >&2
        # criterion writes its results under CRITERION_HOME; one directory per run.
        # shellcheck disable=SC2086
        CRITERION_HOME="$dir/criterion" cargo bench --all-features --bench '*' -- $args \
            > "$dir/criterion.log"
        # numpy's OpenBLAS settings of this machine are not wanted for the peer's scans.
        env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
            python3 benches/numpy_peer.py --seconds "$peer_seconds" --out "$dir/numpy.json" \
            > "$dir/numpy.log"
        dirs+=("$dir")
    done
    echo
    echo "### $size ($runs runs)"
    echo
    python3 benches/report.py "${dirs[@]}"
done
