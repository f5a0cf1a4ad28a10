#!/usr/bin/env bash
# The workspace and the ledger engine end to end: init, discovery, check, repair.
. "$(dirname "$0")/lib.sh"

dir=$TMP_ROOT/shop
expect 0 "init creates a workspace" rma init "$dir" --site SH
for f in rma.toml policies/default.toml .gitattributes .gitignore .rma/site ledger policies/archive; do
  [ -e "$dir/$f" ] && pass || fail "init did not create $f"
done
same "$(cat "$dir/.rma/site")" "SH" "site file"
contains "$(cat "$dir/.gitattributes")" "ledger/**/*.rma merge=union" ".gitattributes"
expect 5 "init over a workspace with another site is refused" rma init "$dir" --site BJ
expect 0 "init of a fresh clone with its own site is fine when none is set" rma init "$dir" --site SH
expect 2 "bad site code" rma init "$TMP_ROOT/x" --site sh-1
expect 2 "site code too long" rma init "$TMP_ROOT/x" --site ABCDEFGHI
expect 2 "init needs --site" rma init "$TMP_ROOT/y"

# A fresh clone (no .rma/) gets its site from init and nothing else changes.
clone=$TMP_ROOT/clone
cp -r "$dir" "$clone" && rm -rf "$clone/.rma"
before=$(ledger_sum "$clone")
expect 0 "init in a fresh clone" rma init "$clone" --site BJ
same "$(cat "$clone/.rma/site")" "BJ" "clone site"
same "$(ledger_sum "$clone")" "$before" "init in a clone touched nothing else"

# Discovery: --dir, $RMA_DIR, walking up.
mkdir -p "$dir/ledger/deep/er"
cd "$dir/ledger/deep/er" && expect 0 "found walking up" "$RMA" check; cd - >/dev/null
expect 0 "--dir" rma --dir "$dir" check
RMA_DIR=$dir expect 0 "\$RMA_DIR" rma check
cd "$TMP_ROOT" && expect 4 "no workspace" "$RMA" check; cd - >/dev/null
touch "$TMP_ROOT/afile"
expect 2 "--dir naming a file" rma --dir "$TMP_ROOT/afile" check
expect 4 "--dir without rma.toml" rma --dir "$TMP_ROOT" check
rmdir "$dir/ledger/deep/er" "$dir/ledger/deep"

# check: clean, then each kind of damage.
new_workspace
id=$(open_return)
rma note "$id" "first" >/dev/null
rma note "$id" "second" >/dev/null
expect 0 "clean ledger" rma check
file=$(ls "$WS"/ledger/*/SH.rma)

cp "$file" "$TMP_ROOT/good"
sed -i 's/note=first/note=frist/' "$file"
expect 1 "an edited line is a finding" rma check
contains "$OUT" "SH.rma:3" "edit reported with its line"
contains "$OUT" "$id" "edit reported with its case"
contains "$OUT" "chain" "edit reported as a broken chain"
run rma check --json
contains "$OUT" '"kind":"chain"' "json finding"
cp "$TMP_ROOT/good" "$file"

sed -i '3d' "$file"
expect 1 "a deleted line is a finding" rma check
contains "$OUT" "gap" "deletion reported as a gap"
cp "$TMP_ROOT/good" "$file"

# A torn last line: readers warn and skip it, check reports it, --repair moves it aside.
printf '2026-11-23T02:00:00.000Z %s 4 note note=cut' "$id" >>"$file"
run rma show "$id"
[ "$CODE" = 0 ] && pass || fail "show with a torn tail: $CODE"
contains "$ERR" "torn" "readers warn about the torn tail"
expect 1 "a torn tail is a finding" rma check
contains "$OUT" "torn-tail" "torn tail reported"
expect 0 "check --repair quarantines it" rma check --repair
same "$(cat "$file")" "$(cat "$TMP_ROOT/good")" "repair restored the acknowledged lines exactly"
contains "$(cat "$WS"/.rma/quarantine/*.torn)" "note=cut" "the torn bytes are kept in quarantine"
expect 0 "clean after repair" rma check

# A writer quarantines a torn tail before appending.
printf 'partial' >>"$file"
expect 0 "a writer after a crash" rma note "$id" "after the crash"
contains "$ERR" "torn" "the writer says it moved the torn tail"
expect 0 "clean after the writer" rma check

# A file that is not a ledger at all: 6.
printf '\x89PNG\r\n' >"$WS/ledger/2026-11/XX.rma"
expect 6 "a file that is not a ledger" rma check
rm "$WS/ledger/2026-11/XX.rma"

# Unknown command and option suggestions.
expect 2 "unknown command" rma chek
contains "$ERR" "did you mean 'check'" "command suggestion"
expect 2 "unknown option" rma check --repiar
expect 0 "--version" rma --version
contains "$OUT" "rma " "version text"
finish
