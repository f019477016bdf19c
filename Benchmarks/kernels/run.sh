#!/usr/bin/env bash
# Builds packed_products.c and attention.c with CTensorKernels (clang -O3, as SwiftPM builds it) and runs them:
# ldb's packed products against OpenBLAS's sgemm at SD 1.5 UNet shapes, one thread, and the peak FMA rate, in
# GFLOP/s (fastest of K runs per figure); then the fused attention against the sgemm attention it replaced at
# SD 1.5 shapes, 2 threads, in milliseconds (median of K runs).
#
# With --onednn, also onednn_products.c: oneDNN's matmul (Debian's libdnnl-dev, not a dependency of ldb:
# `apt-get install libdnnl-dev` first), weights reordered once, against OpenBLAS and the packed products.
#
#   Benchmarks/kernels/run.sh [--repeat K] [--onednn]     (K default 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
repeat=5
onednn=no
while [[ $# -gt 0 ]]; do
    case "$1" in
        --repeat) repeat=$2; shift 2 ;;
        --onednn) onednn=yes; shift ;;
        *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
if [[ "$onednn" == yes && ! -f /usr/include/oneapi/dnnl/dnnl.h ]]; then
    echo "run.sh: oneDNN's headers are missing; apt-get install libdnnl-dev" >&2
    exit 1
fi
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
kernels="$root/Sources/CTensorKernels"
for source in "$kernels"/*.c; do
    clang -O3 -I"$kernels/include" -c "$source" -o "$build/$(basename "$source" .c).o"
done
clang -O3 -I"$kernels/include" $(pkg-config --cflags openblas) "$root/Benchmarks/kernels/packed_products.c" \
    "$build"/*.o $(pkg-config --libs openblas) -lm -o "$build/packed_products"
clang -O3 -I"$kernels/include" $(pkg-config --cflags openblas) "$root/Benchmarks/kernels/attention.c" \
    "$build"/*.o $(pkg-config --libs openblas) -lm -lpthread -o "$build/attention"
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "openblas core: $(OPENBLAS_VERBOSE=2 "$build/packed_products" 0 2>&1 | sed -n 's/^Core: *//p' | head -n 1)"
"$build/packed_products" "$repeat"
echo
"$build/attention" "$repeat"
if [[ "$onednn" == yes ]]; then
    clang -O3 -I"$kernels/include" $(pkg-config --cflags openblas) "$root/Benchmarks/kernels/onednn_products.c" \
        "$build"/*.o $(pkg-config --libs openblas) -ldnnl -lm -o "$build/onednn_products"
    echo
    OMP_NUM_THREADS=1 "$build/onednn_products" "$repeat"
fi
