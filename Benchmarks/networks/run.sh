#!/usr/bin/env bash
# Times ldb's Stable Diffusion 1.5 networks against PyTorch on the CPU, side by side, and checks that they agree.
#
#   Benchmarks/networks/run.sh [--model DIR] [--runs R] [--repeat K] [--work DIR] [--ldb PATH]
#                              [--before PATH] [--threads N] [--no-memory] [--bf16] [--components "C ..."]
#                              [--timeout S]
#
# --model    SD 1.5-shaped model folder; made with random weights by Fixtures/scripts/models.py when missing
#            (4.0 GB, never committed). Default /tmp/sd15-random.
# --runs     rounds of alternated runs (default 2). Each round runs, per component, ldb, the --before
#            binary when given, and PyTorch, one process each, in an order that flips every round.
# --repeat   evaluations per process for the UNet and the VAE decoder (default 3); only evaluations after
#            the first ("warm") are compared.
# --work     where inputs, outputs and logs go (default /tmp/ldb-netbench).
# --ldb      the release binary (default .build-release/release/ldb; build it with
#            swift build -c release --product ldb --scratch-path .build-release).
# --before   an earlier ldb binary to time side by side as "ldb (before)" (build one from an older commit).
# --threads  threads for both: torch.set_num_threads(N) and OMP/MKL_NUM_THREADS for PyTorch,
#            LDB_NUM_THREADS (and OPENBLAS_NUM_THREADS, for binaries older than ldb's own threading) for ldb
#            (default 2).
# --no-memory  skip the peak-memory run of a whole 512x512 generation (memory.sh) that follows.
# --bf16     also time ldb --compute bf16 ("ldb-bf16") and PyTorch under bfloat16 autocast ("torch-bf16"),
#            in the same alternated rounds.
# --components  which of unet-b1 unet-b2 vae-decode text-encoder to time (default all four).
# --timeout  stop any process still running after S seconds and report it as "stopped after S s" instead of
#            failing (PyTorch's bf16 autocast on a CPU without AVX-512 BF16 runs convolutions on a reference
#            path that takes many minutes per UNet evaluation).
#
# Prints a markdown table (report.py) at the end, then memory.sh's; every process's stderr and
# /usr/bin/time -v output stay in WORK/logs. Needs /usr/bin/time (apt-get install time) and
# /work/venv/bin/python (or PYTHON=...). With --runs 2 and --before, about 12 minutes on 2 quiet cores.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/Benchmarks/networks"
python=${PYTHON:-/work/venv/bin/python}
model=/tmp/sd15-random
runs=2
repeat=3
work=/tmp/ldb-netbench
ldb="$root/.build-release/release/ldb"
before=
threads=2
memory=yes
bf16=no
components="unet-b1 unet-b2 vae-decode text-encoder"
timeout_seconds=
prompt="a photo of a cat"

while [[ $# -gt 0 ]]; do
    case "$1" in
        --model) model=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --repeat) repeat=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --ldb) ldb=$2; shift 2 ;;
        --before) before=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --no-memory) memory=no; shift ;;
        --bf16) bf16=yes; shift ;;
        --components) components=$2; shift 2 ;;
        --timeout) timeout_seconds=$2; shift 2 ;;
        -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

[[ -x /usr/bin/time ]] || { echo "run.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
[[ -x "$ldb" ]] || { echo "run.sh: no ldb binary at $ldb (swift build -c release --product ldb --scratch-path .build-release)" >&2; exit 1; }

if [[ ! -f "$model/unet/config.json" ]]; then
    echo "== making the full-size random model in $model"
    "$python" "$root/Fixtures/scripts/models.py" --full-size "$model"
fi

mkdir -p "$work/inputs" "$work/out" "$work/logs"
rm -f "$work"/logs/*
echo "== writing inputs to $work/inputs"
"$python" "$here/make_inputs.py" --model "$model" --out "$work/inputs" --prompt "$prompt"

implementations=(ldb torch)
if [[ -n "$before" ]]; then
    [[ -x "$before" ]] || { echo "run.sh: --before $before is not an executable" >&2; exit 1; }
    implementations=(ldb ldb-before torch)
fi
if [[ "$bf16" == yes ]]; then implementations+=(ldb-bf16 torch-bf16); fi

# Each implementation's command for one component: stderr and /usr/bin/time -v go to WORK/logs.
run_one() {
    local round=$1 component=$2 implementation=$3
    local log="$work/logs/r$round-$component-$implementation"
    local output="$work/out/$component-$implementation.safetensors"
    local arguments=(--model "$model" -o "$output")
    case "$component" in
        unet-b1|unet-b2) arguments+=(-i "$work/inputs/$component.safetensors" --repeat "$repeat") ;;
        vae-decode) arguments+=(-i "$work/inputs/vae-decode.safetensors" --repeat "$repeat") ;;
        text-encoder) arguments+=(--prompt "$prompt") ;;
    esac
    local probe=${component%-b[12]}
    if [[ "$component" == text-encoder && "$implementation" == torch* ]]; then arguments+=(--repeat "$repeat"); fi
    echo "   round $round: $component, $implementation"
    local limit=()
    if [[ -n "$timeout_seconds" ]]; then limit=(timeout "$timeout_seconds"); fi
    case "$implementation" in
        torch-bf16) arguments+=(--autocast) ;;
        ldb-bf16) arguments+=(--compute bf16) ;;
    esac
    case "$implementation" in
        torch|torch-bf16)
            env -u OPENBLAS_CORETYPE OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" \
                "${limit[@]}" /usr/bin/time -v -o "$log.time" \
                "$python" "$here/torch_probe.py" "$probe" --threads "$threads" "${arguments[@]}" \
                >/dev/null 2>"$log.err" ;;
        ldb|ldb-before|ldb-bf16)
            local binary=$ldb
            if [[ "$implementation" == ldb-before ]]; then binary=$before; fi
            env LDB_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" \
                "${limit[@]}" /usr/bin/time -v -o "$log.time" "$binary" model probe "$probe" "${arguments[@]}" \
                >/dev/null 2>"$log.err" ;;
    esac || {
        local status=$?
        if [[ -n "$timeout_seconds" && $status -eq 124 ]]; then
            echo "$timeout_seconds" > "$log.stopped"
            echo "   (stopped after $timeout_seconds s)"
            return 0
        fi
        echo "run.sh: $implementation $component failed; see $log.err" >&2; cat "$log.err" >&2; exit 1
    }
}

# The kernel OpenBLAS picks for ldb (which restarts itself with a better one when OpenBLAS falls back).
{
    echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
    echo "openblas core used by ldb: $(OPENBLAS_VERBOSE=2 "$ldb" model probe randn --seed 0 --shape 1 \
        -o "$work/out/randn.safetensors" 2>&1 >/dev/null | sed -n 's/^Core: *//p' | tail -n 1)"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$work/logs/machine.txt"

for ((round = 1; round <= runs; round++)); do
    order=("${implementations[@]}")
    if ((round % 2 == 0)); then
        order=()
        for ((index = ${#implementations[@]} - 1; index >= 0; index--)); do order+=("${implementations[index]}"); done
    fi
    for component in $components; do
        for implementation in "${order[@]}"; do run_one "$round" "$component" "$implementation"; done
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$work/logs/machine.txt"

status=0
"$python" "$here/report.py" --work "$work" --implementations "${implementations[@]}" --components $components \
    || status=$?
if [[ "$memory" == yes ]]; then
    "$here/memory.sh" --model "$model" --ldb "$ldb" --work "$work/memory" || status=$?
fi
exit "$status"
