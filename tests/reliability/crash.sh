#!/usr/bin/env bash
# Crash suite: kill -9 an `rma import` of thousands of rows and a loop of single writers at
# random moments. After each kill every event whose command had reported success is in the
# ledger, at most one torn last line exists, `rma check --repair` restores a clean ledger,
# and the quarantined bytes are kept. Then a full disk (a file-size limit): exit 7, a clear
# message, and the ledger unchanged.
#   RMA_KILLS=200 tests/reliability/crash.sh    (full size)
. "$(dirname "$0")/../e2e/lib.sh"
kills=${RMA_KILLS:-40}
new_workspace
id=$(open_return SO-1 SOFA 100.00)

# An import file of a thousand notes, each with its own key.
rows=$TMP_ROOT/notes.csv
{ echo "action,case,key,note"; for i in $(seq 1 1000); do echo "note,$id,imp-$i,import $i"; done; } >"$rows"

survived=0
torn_seen=0
imports_done=0
for k in $(seq 1 "$kills"); do
  if [ $((k % 2)) -eq 0 ]; then
    # a loop of single writers; each success is acknowledged only after rma returned 0
    (
      i=0
      while true; do
        i=$((i + 1))
        if "$RMA" note "$id" "single $k-$i" >/dev/null 2>&1; then echo "single $k-$i" >>"$TMP_ROOT/acked"; fi
      done
    ) &
  else
    ( "$RMA" import "$rows" >/dev/null 2>&1 && echo done >"$TMP_ROOT/import.$k" ) &
  fi
  victim=$!
  # single writers: killed within 10-90 ms; imports: within 10-490 ms, so that some finish
  if [ $((k % 2)) -eq 0 ]; then sleep "0.0$((RANDOM % 9 + 1))"; else sleep "0.$((RANDOM % 5))$((RANDOM % 9 + 1))"; fi
  pkill -9 -P "$victim" 2>/dev/null
  kill -9 "$victim" 2>/dev/null
  wait "$victim" 2>/dev/null
  [ -e "$TMP_ROOT/import.$k" ] && imports_done=$((imports_done + 1))
  # At most one torn last line, in the one file being appended to.
  torn=0
  for f in "$WS"/ledger/*/*.rma; do
    [ -s "$f" ] && [ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" != '\n' ] && torn=$((torn + 1))
  done
  if [ "$torn" -le 1 ]; then pass; else fail "kill $k left $torn torn files"; fi
  if [ "$torn" -eq 1 ]; then
    torn_seen=$((torn_seen + 1))
    run rma check
    contains "$OUT" "torn-tail" "kill $k: check reports the torn tail"
    expect 0 "kill $k: check --repair" rma check --repair
  fi
  survived=$((survived + 1))
done
expect 0 "the ledger checks clean after $kills kills" rma check
acked=$(sort "$TMP_ROOT/acked" 2>/dev/null)
ledger=$(grep -ho ' note note="single [0-9]*-[0-9]*"' "$WS"/ledger/*/*.rma | sed 's/ note note="//; s/"$//' | sort)
missing=$(comm -23 <(echo "$acked") <(echo "$ledger") | grep -c . || true)
same "$missing" "0" "every acknowledged single write survived"
# An import is all or nothing: its rows are there in full (once, by their keys) or not at all.
imported=$(cat "$WS"/ledger/*/*.rma | grep -c ' key=imp-')
if [ "$imported" -eq 0 ] || [ "$imported" -eq 1000 ]; then pass; else fail "a killed import left $imported of 1000 rows"; fi
if [ "$imports_done" -gt 0 ]; then same "$imported" "1000" "an acknowledged import is complete"; fi
q=$(ls "$WS/.rma/quarantine" 2>/dev/null | wc -l)
if [ "$q" -ge "$torn_seen" ]; then pass; else fail "quarantine has $q files for $torn_seen torn tails"; fi

# A simulated torn write, as a power loss would leave it: repaired, bytes kept.
printf '2026-11-23T02:00:00.000Z %s 99999 note note=half' "$id" >>"$(ls "$WS"/ledger/*/SH.rma | tail -1)"
expect 1 "a torn line is a finding" rma check
expect 0 "repair moves it aside" rma check --repair
contains "$(cat "$WS"/.rma/quarantine/*)" "note=half" "the torn bytes are kept"
expect 0 "clean again" rma check

# A full disk: a file-size limit just above the ledger's size.
file=$(ls "$WS"/ledger/*/SH.rma | tail -1)
before=$(ledger_sum "$WS")
size_blocks=$(( $(stat -c %s "$file") / 1024 + 1 ))  # bash counts ulimit -f in KiB
( ulimit -f "$size_blocks"; "$RMA" note "$id" "$(head -c 3000 /dev/zero | tr '\0' x)" >"$TMP_ROOT/full.out" 2>"$TMP_ROOT/full.err"; echo $? >"$TMP_ROOT/full.code" )
same "$(cat "$TMP_ROOT/full.code")" "7" "a full disk exits 7"
contains "$(cat "$TMP_ROOT/full.err")" "nothing was recorded" "with a clear message"
same "$(ledger_sum "$WS")" "$before" "and the ledger is unchanged"
expect 0 "clean after the full disk" rma check
echo "crash: kills survived $survived, torn tails repaired $torn_seen, acknowledged single writes $(echo "$acked" | grep -c .), imports completed $imports_done, bytes lost 0"
finish
