#!/usr/bin/env bash
# Peak memory of a full generation with all three networks loaded, with float32 weights and with
# --half-precision-weights, against the float32 size of the weights (issue 6: <= 1.3x and <= 0.75x).
#
#   Benchmarks/networks/memory.sh [--model DIR] [--ldb PATH] [--work DIR] [--size WxH] [--steps N]
#
# --model    SD 1.5-shaped model folder; made with random weights by Fixtures/scripts/models.py when missing
#            (4.3 GB, never committed). Default /tmp/sd15-random.
# --ldb      the release binary (default .build-release/release/ldb; build it with
#            swift build -c release --product ldb --scratch-path .build-release).
# --work     where the projects, pictures and logs go (default /tmp/ldb-memory).
# --size     the picture's size (default 512x512).
# --steps    denoising steps N (default 2, with 1 blend step): a render of a new project without layers is N
#            guided UNet evaluations (batch 2) and one VAE decode; the text encoder, UNet and VAE are all loaded
#            (by Engine.open) before the first step. About 1.5 to 2 minutes per render on 2 cores.
#
# Each render is one process under /usr/bin/time -v; its high-water mark (VmHWM) is also sampled every 0.2 s
# to tell in which stage the peak is reached: the mark at the end of load (the weights read, the prompts
# encoded and the first step run, until it is reported) and of base (the UNet steps); the decode follows.
# Prints a markdown table; logs stay in WORK.
# Needs /usr/bin/time (apt-get install time).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-/work/venv/bin/python}
model=/tmp/sd15-random
ldb="$root/.build-release/release/ldb"
work=/tmp/ldb-memory
size=512x512
steps=2

while [[ $# -gt 0 ]]; do
    case "$1" in
        --model) model=$2; shift 2 ;;
        --ldb) ldb=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        --steps) steps=$2; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "memory.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

[[ -x /usr/bin/time ]] || { echo "memory.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
[[ -x "$ldb" ]] || { echo "memory.sh: no ldb binary at $ldb (swift build -c release --product ldb --scratch-path .build-release)" >&2; exit 1; }
((steps >= 2)) || { echo "memory.sh: --steps must be at least 2" >&2; exit 2; }

if [[ ! -f "$model/unet/config.json" ]]; then
    echo "== making the full-size random model in $model"
    "$python" "$root/Fixtures/scripts/models.py" --full-size "$model"
fi
mkdir -p "$work"

# The float32 size of the weights: 4 bytes per parameter of the three networks, as `ldb model inspect` counts them.
weight_bytes=$("$ldb" model inspect --model "$model" --json | awk -F: '/"parameters"/ { gsub(/[ ,]/, "", $2); sum += $2 } END { printf "%.0f", 4 * sum }')

# Renders a new project; prints "PEAK_KB LOAD_KB BASE_KB" (the peak resident set, and the high-water mark at
# the end of the load and base stages).
render() {
    local name=$1; shift
    local project="$work/$name.ldbproj" log="$work/$name"
    rm -f "$project" "$log".*
    "$ldb" new "$project" --model "$model" --prompt "a photo of a cat" --size "$size" --steps "$steps" \
        --blend-steps 1 --seed 1 >/dev/null
    /usr/bin/time -v -o "$log.time" "$ldb" render "$project" -o "$work/$name.png" --stats "$@" \
        >"$log.out" 2>"$log.err" &
    local timer=$! pid="" stage hwm
    local -A mark=([load]=0 [base]=0 [decode]=0)
    while kill -0 "$timer" 2>/dev/null; do
        [[ -n "$pid" ]] || pid=$(pgrep -P "$timer" | head -n 1 || true)
        if [[ -n "$pid" ]] && hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null) && [[ -n "$hwm" ]]; then
            if grep -q "step $steps/$steps" "$log.err"; then stage=decode
            elif grep -q "step 1/$steps" "$log.err"; then stage=base
            else stage=load; fi
            mark[$stage]=$hwm
        fi
        sleep 0.2
    done
    wait "$timer" || { echo "memory.sh: render $name failed; see $log.err" >&2; cat "$log.err" >&2; exit 1; }
    local peak
    peak=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log.time")
    echo "$peak ${mark[load]} ${mark[base]}"
}

echo "== rendering $size, $steps steps, with float32 weights"
read -r f32_peak f32_load f32_base < <(render float32)
echo "== rendering $size, $steps steps, with --half-precision-weights"
read -r f16_peak f16_load f16_base < <(render float16 --half-precision-weights)

gb() { awk -v bytes="$1" 'BEGIN { printf "%.2f", bytes / 1e9 }'; }
kb() { awk -v kb="$1" 'BEGIN { printf "%.2f", kb * 1024 / 1e9 }'; }
ratio() { awk -v kb="$1" -v bytes="$weight_bytes" 'BEGIN { printf "%.2f", kb * 1024 / bytes }'; }
verdict() { awk -v kb="$1" -v bytes="$weight_bytes" -v goal="$2" 'BEGIN { print (kb * 1024 <= goal * bytes ? "yes" : "no") }'; }

cat <<EOF

machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 * 1024 / 1e9 }' /proc/meminfo); model $model; $size, $steps steps
float32 weights: $(gb "$weight_bytes") GB ($weight_bytes bytes, 4 per parameter)
$(grep -h "UNet evaluations\|VAE:" "$work/float32.out" | sed 's/^/render: /')

| weights in memory | peak RSS (GB) | peak / float32 weights | goal | met | high-water mark after load / base (GB) |
| --- | ---: | ---: | ---: | --- | --- |
| float32 | $(kb "$f32_peak") | $(ratio "$f32_peak") | <= 1.30 | $(verdict "$f32_peak" 1.30) | $(kb "$f32_load") / $(kb "$f32_base") |
| half (--half-precision-weights) | $(kb "$f16_peak") | $(ratio "$f16_peak") | <= 0.75 | $(verdict "$f16_peak" 0.75) | $(kb "$f16_load") / $(kb "$f16_base") |

GB = 10^9 bytes; peak RSS is /usr/bin/time's maximum resident set size (reached in the decode when it exceeds
the mark after base); the marks are the last 0.2 s samples of VmHWM in each stage. Logs: $work.
EOF
