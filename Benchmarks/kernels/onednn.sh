#!/usr/bin/env bash
# Builds onednn_products.c with CTensorKernels (clang -O3, as SwiftPM builds it), OpenBLAS and oneDNN (Debian's
# libdnnl-dev, not a dependency of ldb: `apt-get install libdnnl-dev` to run this) and runs it: oneDNN's matmul
# with weights reordered once against OpenBLAS's sgemm and ldb's packed products, one thread, GFLOP/s.
#
#   Benchmarks/kernels/onednn.sh [--repeat K]     (fastest of K runs per figure, default 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
repeat=5
if [[ "${1:-}" == --repeat ]]; then repeat=$2; fi
if [[ ! -f /usr/include/oneapi/dnnl/dnnl.h ]]; then
    echo "onednn.sh: oneDNN's headers are missing; apt-get install libdnnl-dev" >&2
    exit 1
fi
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
kernels="$root/Sources/CTensorKernels"
for source in "$kernels"/*.c; do
    clang -O3 -I"$kernels/include" -c "$source" -o "$build/$(basename "$source" .c).o"
done
clang -O3 -I"$kernels/include" $(pkg-config --cflags openblas) "$root/Benchmarks/kernels/onednn_products.c" \
    "$build"/*.o $(pkg-config --libs openblas) -ldnnl -lm -o "$build/onednn_products"
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
OMP_NUM_THREADS=1 "$build/onednn_products" "$repeat"
