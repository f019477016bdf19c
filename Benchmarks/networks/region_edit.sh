#!/usr/bin/env bash
# One region-mode edit on the SD 1.5-shaped random model (512x512, 13 steps, guidance 7.5, a 128x128 box, crop
# mode with margin 8, 5 regenerated steps, 2 blend steps) through the ldb binary, in fp32 and in bf16: first each
# precision with its own base trajectory, then the edit alone (the layer's seed changed). Reads the --stats lines.
#   Benchmarks/networks/region_edit.sh     (needs /tmp/sd15-random and the release build in .build-release)
set -e
L=${LDB:-$(cd "$(dirname "$0")/../.." && pwd)/.build-release/release/ldb}
rm -f /tmp/reg.ldbproj
$L new /tmp/reg.ldbproj --model /tmp/sd15-random --prompt "a harbour town at dusk, oil painting" --seed 1234 --size 512x512 --steps 13 --guidance 7.5
$L set /tmp/reg.ldbproj --region crop --region-margin 8 --blend-steps 2
$L layer add /tmp/reg.ldbproj --name boat --prompt "a red boat" --box 192,192,128,128 --seed 1 --regen-steps 5
echo "== fp32, base and edit"; $L render /tmp/reg.ldbproj -o /tmp/reg-a.png --stats
echo "== bf16, base and edit"; $L render /tmp/reg.ldbproj -o /tmp/reg-b.png --stats --compute bf16
$L layer set /tmp/reg.ldbproj boat --seed 2
echo "== fp32, the edit"; $L render /tmp/reg.ldbproj -o /tmp/reg-c.png --stats
echo "== bf16, the edit"; $L render /tmp/reg.ldbproj -o /tmp/reg-d.png --stats --compute bf16
