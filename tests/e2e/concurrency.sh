#!/usr/bin/env bash
# Concurrent writers through the binary: never a duplicate seq, never a refund past the
# amount owed, every acknowledged event present exactly once.
. "$(dirname "$0")/lib.sh"
new_workspace

# Two processes refunding one case at once with different references: both land with
# distinct seqs, or one is refused; never more than the amount owed.
for round in 1 2 3 4 5; do
  id=$(open_return "SO-$round" SOFA-01 1000.00)
  rma review "$id" --approve --resolution refund --keep-goods >/dev/null
  rma refund "$id" --amount 600.00 --ref "A-$round" >"$TMP_ROOT/a.out" 2>&1 &
  a=$!
  rma refund "$id" --amount 600.00 --ref "B-$round" >"$TMP_ROOT/b.out" 2>&1 &
  b=$!
  wait $a; ca=$?
  wait $b; cb=$?
  codes="$ca$cb"
  if [ "$codes" = "05" ] || [ "$codes" = "50" ]; then pass; else fail "round $round: exit codes $ca and $cb"; fi
  run rma show "$id" --json
  contains "$OUT" '"refunded":"600.00"' "round $round: exactly one refund of 600.00 stands"
done

# 8 processes, 60 writes each, on shared cases: every acknowledged note lands once.
shared=()
for i in 1 2 3; do shared+=("$(open_return "SO-S$i" TABLE 100.00)"); done
for p in $(seq 1 8); do
  (
    for i in $(seq 1 60); do
      c=${shared[$((i % 3))]}
      if "$RMA" note "$c" "p$p-$i" >/dev/null 2>&1; then echo "p$p-$i"; fi
    done
  ) >"$TMP_ROOT/acked.$p" &
done
wait
acked=$(cat "$TMP_ROOT"/acked.* | sort)
same "$(echo "$acked" | wc -l)" "480" "every write was acknowledged"
recorded=$(grep -ho 'note note=p[0-9]*-[0-9]*' "$WS"/ledger/*/*.rma | sed 's/note note=//' | sort)
same "$recorded" "$acked" "each acknowledged event is in the ledger exactly once"
dups=$(grep -ho '^[^ ]* [^ ]* [0-9]* ' "$WS"/ledger/*/*.rma | awk '{print $2, $3}' | sort | uniq -d | wc -l)
same "$dups" "0" "no duplicate seq"
expect 0 "check is clean" rma check
finish
