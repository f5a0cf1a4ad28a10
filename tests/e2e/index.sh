#!/usr/bin/env bash
# The index under .rma/index/ (issue 6): every command answers exactly as it does with
# RMA_INDEX=off (which reads every file), and a ledger file changed behind the index's back
# -- appended by another clone's `git pull`, cut back by `git reset`, edited, its segment
# damaged -- is indexed again, not trusted.
. "$(dirname "$0")/lib.sh"
git_home
EXAMPLES=$(cd "$(dirname "$0")/../../examples" && pwd)

# same DESCRIPTION CMD...: the command prints the same (stdout, stderr, exit code) with the
# index and without it.
same() {
  local what=$1
  shift
  local with without
  with=$("$@" 2>&1; echo "exit $?")
  without=$(RMA_INDEX=off "$@" 2>&1; echo "exit $?")
  if [ "$with" = "$without" ]; then pass; else fail "$what differs with the index: $(diff <(echo "$without") <(echo "$with") | head -5)"; fi
}

# traced CMD...: runs it with RMA_INDEX_TRACE=1; $TRACE holds the index's line.
traced() {
  TRACE=$(RMA_INDEX_TRACE=1 "$@" 2>&1 >/dev/null | grep '^rma: index:')
}

# --- every case of the example workspace, every way it is shown --------------------------
cp -r "$EXAMPLES/returns" "$TMP_ROOT/returns"
# A fresh clone of the examples has no .rma/site: the writers below write as site SH.
export RMA_DIR=$TMP_ROOT/returns RMA_OPERATOR=alice RMA_NOW="2026-11-23 18:00" RMA_SITE=SH
mapfile -t ids < <(RMA_INDEX=off rma list --ids)
[ "${#ids[@]}" -gt 10 ] && pass || fail "the example workspace has its cases"
for id in "${ids[@]}"; do
  same "show $id" rma show "$id"
  same "show $id --json" rma show "$id" --json
  same "note $id --dry-run" rma note "$id" "dry" --dry-run
done
traced rma show "${ids[0]}"
[[ $TRACE == *" 0 rebuilt"* ]] && pass || fail "a second use rebuilds nothing: $TRACE"
same "a typo gets the same suggestion" rma show "${ids[0]%?}9"
same "open --dry-run gives the same next id" rma open --kind complaint --customer C-1 --reason other --channel web --dry-run
same "a refused action" rma close "${ids[0]}"
ref=$(grep -ho 'ref=[^ ]*' "$RMA_DIR"/ledger/*/*.rma | head -1 | cut -d= -f2)
refund_case=$(grep -h " refund .*ref=$ref " "$RMA_DIR"/ledger/*/*.rma | head -1 | cut -d' ' -f2)
same "a refund reference seen before" rma refund "$refund_case" --amount 0.01 --ref "$ref"
same "list" rma list
same "report" rma report --format json

# --- the same writes with and without the index give the same bytes ------------------------
cp -r "$EXAMPLES/returns" "$TMP_ROOT/with"
cp -r "$EXAMPLES/returns" "$TMP_ROOT/without"
writes() {
  local id
  id=$(rma open --kind return --order SO-IX --sku SKU-IX --reason defect --channel web --delivered "2026-11-22 10:00" --paid 100.00 -q)
  rma review "$id" --approve --resolution refund --keep-goods >/dev/null
  rma refund "$id" --amount 40.00 --ref IX-1 >/dev/null
  rma refund "$id" --amount 40.00 --ref IX-1 >/dev/null  # done before: nothing appended
  rma refund "$id" --amount 60.00 --ref IX-2 >/dev/null
  rma note "${ids[1]}" "索引 note" >/dev/null
  rma open --kind complaint --customer C-IX --reason other --channel phone --ext REQ-IX -q >/dev/null
  rma open --kind complaint --customer C-IX --reason other --channel phone --ext REQ-IX -q >/dev/null  # same request
  # An import asks the index about all its rows at once: a key seen before, a refund
  # reference seen before, a case named by its ext:, a case opened earlier in the file.
  cat >"$RMA_DIR/rows.csv" <<CSV
action,case,key,note,amount,ref,kind,customer,reason,channel,ext
note,${ids[2]},IXK-1,first,,,,,,,
note,${ids[2]},IXK-1,again,,,,,,,
refund,$id,IXK-2,,60.00,IX-2,,,,,
note,ext:REQ-IX,IXK-3,by ext,,,,,,,
open,,IXK-4,,,,complaint,C-IX2,other,web,REQ-IX2
note,ext:REQ-IX2,IXK-5,opened above,,,,,,,
CSV
  expect 0 "an import of rows on known, ext: and new cases" rma import "$RMA_DIR/rows.csv"
  [[ $OUT == *"4 appended, 2 already done"* ]] && pass || fail "the import appends 4 rows: $OUT"
  expect 0 "the same import again" rma import "$RMA_DIR/rows.csv"
  [[ $OUT == *"0 appended, 6 already done"* ]] && pass || fail "a retry appends nothing: $OUT"
}
RMA_DIR=$TMP_ROOT/with writes
RMA_DIR=$TMP_ROOT/without RMA_INDEX=off writes
[ "$(ledger_sum "$TMP_ROOT/with")" != "$(ledger_sum "$EXAMPLES/returns")" ] && pass || fail "the writes wrote nothing"
[ "$(ledger_sum "$TMP_ROOT/with")" = "$(ledger_sum "$TMP_ROOT/without")" ] && pass || fail "writes through the index wrote other bytes"
[ ! -d "$TMP_ROOT/without/.rma/index" ] && pass || fail "RMA_INDEX=off wrote an index"
RMA_DIR=$TMP_ROOT/with expect 0 "check after writes through the index" rma check

# --- another clone's lines arrive by git pull; git reset cuts them again ---------------------
unset RMA_DIR RMA_SITE
cd "$TMP_ROOT"
git init -q --bare remote.git
"$RMA" init A --site A --git --by wang -q
sed -i 's/^wang = /alice = { role = "operator" }\nwang = /' A/rma.toml
git -C A commit -qam operators
git -C A remote add origin "$TMP_ROOT/remote.git"
git -C A push -q -u origin main
git clone -q remote.git B
(cd B && "$RMA" init --site B -q)
export RMA_NOW="2026-11-23 10:00"
case_a=$(cd A && rma open --kind complaint --customer C-1 --reason other --channel web -q)
git -C A add -A && git -C A commit -qm "open" && git -C A push -q
git -C B pull -q
(cd B && rma show "$case_a" >/dev/null)  # B indexes A's file
for i in 1 2 3; do (cd A && rma note "$case_a" "note $i" >/dev/null); done
git -C A add -A && git -C A commit -qm "notes" && git -C A push -q
git -C B pull -q
cd B
traced rma show "$case_a"
# Git may give the new file the old inode number: then the bytes before the pulled ones are
# checked by the tail hash and only the new lines are read; else the file is indexed again.
[[ $TRACE == *" 1 rebuilt"* || $TRACE == *" 1 extended"* ]] && pass || fail "a file replaced by git pull is checked again: $TRACE"
same "show after git pull" rma show "$case_a" --json
[ "$(rma show "$case_a" --json | grep -o '"seq":[0-9]*' | tail -1)" = '"seq":4' ] && pass || fail "B sees A's notes"
expect 0 "B acts on the case after the pull" rma note "$case_a" "from B"
same "show after B's note" rma show "$case_a" --json
git add -A && git commit -qm "B's note"
git reset -q --hard HEAD~2  # back before A's notes and B's note: A's file is cut back
traced rma show "$case_a"
[[ $TRACE == *" rebuilt"* && $TRACE != *" 0 rebuilt"* ]] && pass || fail "a file cut back by git reset is indexed again: $TRACE"
same "show after git reset" rma show "$case_a" --json
[ "$(rma show "$case_a" --json | grep -o '"seq":[0-9]*' | tail -1)" = '"seq":1' ] && pass || fail "the reset notes are gone from show"
# An edit in place that keeps the size, and a damaged segment.
file=$(ls ledger/*/A.rma)
sed -i 's/customer=C-1 /customer=C-7 /' "$file"
same "show after an edit in place" rma show "$case_a" --json
rma show "$case_a" --json | grep -q '"customer":"C-7"' && pass || fail "show reads the edited line"
head -c 100 /dev/urandom >".rma/index/$file.idx"
traced rma show "$case_a"
[[ $TRACE == *" 1 rebuilt"* ]] && pass || fail "a damaged segment is rebuilt: $TRACE"
same "show after a damaged segment" rma show "$case_a" --json
git status --porcelain | grep -q '\.rma/' && fail "the index shows in git status: $(git status --porcelain)" || pass

finish
