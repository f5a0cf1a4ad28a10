#!/usr/bin/env bash
# Every line of the README's five-minute tour works when pasted, in order.
. "$(dirname "$0")/lib.sh"
readme=$(cd "$(dirname "$0")/../.." && pwd)/README.md
tour=$(awk '/^## A five-minute tour/ {on=1} on && /^```sh/ {inblock=1; next} inblock && /^```/ {exit} inblock {print}' "$readme")
contains "$tour" "rma init /tmp/returns" "the tour was found in the README"
mkdir -p "$TMP_ROOT/bin" && ln -s "$RMA" "$TMP_ROOT/bin/rma"
export PATH=$TMP_ROOT/bin:$PATH
cd "$TMP_ROOT"
n=0
while IFS= read -r line; do
  # Continuation lines belong to the command above them.
  if [[ -n "${pending:-}" ]]; then line="$pending"$'\n'"$line"; pending=; fi
  if [[ "$line" == *\\ ]]; then pending=$line; continue; fi
  [[ "$line" == export\ PATH=* ]] && continue    # the binary is on PATH already
  line=${line//\/tmp\/returns/$TMP_ROOT\/returns}
  n=$((n + 1))
  eval "$line" >"$TMP_ROOT/line.out" 2>&1   # in this shell: cd and id= carry to the next line
  code=$?
  out=$(cat "$TMP_ROOT/line.out")
  # The tour shows two refusals on purpose; they print their exit code themselves.
  if [ $code -eq 0 ]; then pass; else fail "tour line $n failed ($code): $line"$'\n'"$out"; fi
done <<<"$tour"
same "$(rma check 2>&1 | head -1 | cut -c1-3)" "ok:" "the tour ends with a clean ledger"
finish
