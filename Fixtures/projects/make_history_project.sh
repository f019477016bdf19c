#!/bin/sh
# Makes Fixtures/projects/history-format2.ldbproj: a project written by ldb at format 2 (before region mode), with
# a history to walk after every later format change (Tests/LDBDocumentTests/FormatHistoryTests.swift).
#
#     git checkout cbb2108 && swift build && sh Fixtures/projects/make_history_project.sh
#
# Run from the package folder with the ldb built from that commit; LDB=path/to/ldb to use another binary.
# The journal it makes, oldest first:
#   1 create project        2 add layer "roof"       3 add layer "sky"      4 set strength of "roof" (tag look-1)
#   then undo to 3, and     5 hide "sky" (a branch off 3, tag hidden-sky; HEAD)
set -eu
ldb=${LDB:-.build/debug/ldb}
project=Fixtures/projects/history-format2.ldbproj
rm -f "$project"
"$ldb" new "$project" --model Fixtures/models/tiny-sd1 --prompt "a watercolor lighthouse" --negative blurry \
    --seed 1234 --size 64x96 --steps 6 --blend-steps 2
"$ldb" layer add "$project" --name roof --prompt "a red roof" --box 0,0,32,40 --seed 11 --regen-steps 4
"$ldb" layer add "$project" --name sky --prompt "a starry night sky" --negative daylight --box 16,32,40,40 \
    --seed 22 --regen-steps 5 --guidance 5 --feather 2
"$ldb" layer set "$project" roof --strength 0.5
"$ldb" tag "$project" look-1
"$ldb" undo "$project"
"$ldb" layer hide "$project" sky
"$ldb" tag "$project" hidden-sky
"$ldb" history "$project"
