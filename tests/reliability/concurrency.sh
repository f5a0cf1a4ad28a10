#!/usr/bin/env bash
# Concurrency suite: P processes × N writes (opens and follow-up actions on shared cases)
# against one workspace. Afterwards every acknowledged event is present exactly once, seqs
# are unique and gap-free per case, and `rma check` is clean.
#   RMA_WRITES=1000 tests/reliability/concurrency.sh     (full size: 8 × 1,000)
. "$(dirname "$0")/../e2e/lib.sh"
procs=${RMA_PROCS:-8}
writes=${RMA_WRITES:-60}
new_workspace
shared=()
for i in 1 2 3 4; do shared+=("$(open_return "SO-S$i" TABLE 100.00)"); done
start=$(date +%s.%N)
for p in $(seq 1 "$procs"); do
  (
    for i in $(seq 1 "$writes"); do
      case $((i % 4)) in
        0) # a new case of its own, then a note on it
          if id=$("$RMA" open --kind complaint --customer "C-$p-$i" --reason other --channel web -q 2>/dev/null); then
            echo "open $id"
          fi ;;
        *) c=${shared[$((i % 4))]}
          if "$RMA" note "$c" "p$p-$i" >/dev/null 2>&1; then echo "note p$p-$i"; fi ;;
      esac
    done
  ) >"$TMP_ROOT/acked.$p" &
done
wait
elapsed=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo "?")
acked=$(cat "$TMP_ROOT"/acked.* | wc -l)
same "$acked" "$((procs * writes))" "every write was acknowledged"
notes_acked=$(grep -h '^note ' "$TMP_ROOT"/acked.* | cut -d' ' -f2 | sort)
notes_ledger=$(grep -ho ' note note=p[0-9]*-[0-9]*' "$WS"/ledger/*/*.rma | sed 's/ note note=//' | sort)
same "$notes_ledger" "$notes_acked" "every acknowledged note is in the ledger exactly once"
opens_acked=$(grep -h '^open ' "$TMP_ROOT"/acked.* | cut -d' ' -f2 | sort)
opens_ledger=$(grep -ho ' RMA-[0-9A-Z-]* 1 open kind=complaint' "$WS"/ledger/*/*.rma | awk '{print $1}' | sort)
same "$opens_ledger" "$opens_acked" "every acknowledged open is in the ledger once, with the id it printed"
same "$(echo "$opens_acked" | uniq -d | wc -l)" "0" "no case id was handed out twice"
dups=$(grep -h ' h=' "$WS"/ledger/*/*.rma | awk '{print $2, $3}' | sort | uniq -d | wc -l)
same "$dups" "0" "no duplicate seq"
expect 0 "check is clean (chains, gaps, forks)" rma check
events=$(grep -hc ' h=' "$WS"/ledger/*/*.rma | paste -sd+ | bc 2>/dev/null || grep -h ' h=' "$WS"/ledger/*/*.rma | wc -l)
echo "concurrency: $procs processes x $writes writes: events written $acked, events verified $(grep -h ' h=' "$WS"/ledger/*/*.rma | wc -l), in ${elapsed}s"
finish
