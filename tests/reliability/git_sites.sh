#!/usr/bin/env bash
# Multi-site git suite: three clones with their own site codes and a bare remote; random
# actions at each, interleaved with `git pull --rebase` and `git push`, including two sites
# acting on the same case before they see each other. Afterwards every clone holds the same
# ledger, no merge ever conflicted, and `rma check` reports exactly the forks that were
# created, and nothing else. Then one fork is resolved the way an operator would.
#   RMA_ROUNDS=40 tests/reliability/git_sites.sh     (a few hundred actions per site)
. "$(dirname "$0")/../e2e/lib.sh"
rounds=${RMA_ROUNDS:-8}
git_home
export RMA_OPERATOR=alice
RANDOM=42

cd "$TMP_ROOT"
git init -q --bare remote.git
"$RMA" init A --site A --git --by wang -q
sed -i 's/^wang = /alice = { role = "operator" }\nwang = /; s/^commit = false/commit = true/' A/rma.toml
git -C A commit -qam "operators; each writer commits its own line"
git -C A remote add origin "$TMP_ROOT/remote.git"
git -C A push -q -u origin main
for s in B C; do
  git clone -q remote.git "$s"
  (cd "$s" && "$RMA" init --site "$s" -q)
done

conflicts=0
sync() {  # pull --rebase then push; a conflict is a failure of the design
  local dir=$1
  if ! git -C "$dir" pull -q --rebase >/dev/null 2>&1; then
    conflicts=$((conflicts + 1))
    git -C "$dir" rebase --abort >/dev/null 2>&1
    return
  fi
  git -C "$dir" push -q >/dev/null 2>&1 || { git -C "$dir" pull -q --rebase >/dev/null 2>&1 || conflicts=$((conflicts + 1)); git -C "$dir" push -q >/dev/null 2>&1; }
}
actions=0
act() {  # one random action at a site
  local dir=$1 ids id
  export RMA_NOW="2026-11-23 10:$(printf %02d $((RANDOM % 50)))"
  mapfile -t ids < <(cd "$dir" && "$RMA" list --ids --state opened 2>/dev/null)
  if [ ${#ids[@]} -eq 0 ] || [ $((RANDOM % 3)) -eq 0 ]; then
    (cd "$dir" && "$RMA" open --kind complaint --customer "C-$RANDOM" --reason other --channel web -q >/dev/null 2>&1) && actions=$((actions + 1))
  else
    id=${ids[$((RANDOM % ${#ids[@]}))]}
    # A forked case refuses every writer (exit 5) until it is resolved: that is expected.
    (cd "$dir" && "$RMA" note "$id" "note from $dir $RANDOM" >/dev/null 2>&1) && actions=$((actions + 1))
  fi
}

forks=0
for r in $(seq 1 "$rounds"); do
  for s in $(printf 'A\nB\nC\n' | shuf --random-source=<(yes)); do
    for _ in 1 2 3 4 5; do act "$s"; done
    sync "$s"
  done
  if [ $((r % 4)) -eq 0 ]; then
    # Two sites act on the same case before they see each other's event: a fork.
    id=$(cd A && "$RMA" open --kind complaint --customer "C-fork-$r" --reason other --channel web -q)
    for s in A B C; do sync "$s"; done
    if (cd A && "$RMA" contact "$id" --channel phone -q) && (cd B && "$RMA" contact "$id" --channel email -q); then
      forks=$((forks + 1))
    fi
    sync A
    sync B
  fi
done
for _ in 1 2; do for s in A B C; do sync "$s"; done; done

same "$conflicts" "0" "no pull ever conflicted"
sum_a=$(ledger_sum A)
same "$(ledger_sum B)" "$sum_a" "clone B converged to A's ledger"
same "$(ledger_sum C)" "$sum_a" "clone C converged to A's ledger"
cd A
# The forks in the files, counted with text tools: (case, seq) pairs with two different hashes.
# They are the deliberate ones and those the random actions made when two sites noted one
# case between syncs.
created=$(cat ledger/*/*.rma | grep ' h=' | awk '{print $2, $3, $NF}' | sort -u | awk '{print $1, $2}' | uniq -d | wc -l)
run "$RMA" check --json
found=$(echo "$OUT" | grep -o '"kind":"fork"' | wc -l)
others=$(echo "$OUT" | grep -o '"kind":"[a-z-]*"' | grep -vc '"kind":"fork"' || true)
same "$found" "$created" "check reports exactly the forks in the files"
same "$others" "0" "and nothing else"
if [ "$forks" -gt 0 ] && [ "$created" -ge "$forks" ]; then pass; else fail "the deliberate forks ($forks) are not all there ($created)"; fi

# How an operator resolves a fork: show the branches, keep one, say why.
id=$(echo "$OUT" | grep -o '"case":"RMA-[^"]*"' | head -1 | cut -d'"' -f4)
keep=$("$RMA" show "$id" --json | grep -o '"fork_heads":\["[0-9a-f]*' | cut -d'"' -f4)
expect 5 "a forked case refuses writers" "$RMA" note "$id" "after the fork"
export RMA_NOW="2026-11-23 11:00"
expect 0 "resolve keeps one branch" "$RMA" resolve "$id" --keep "$keep" --why "the phone call came first"
run "$RMA" check --json
same "$(echo "$OUT" | grep -o '"kind":"fork"' | wc -l)" "$((found - 1))" "the resolved fork is no longer reported"
expect 0 "the case takes writers again" "$RMA" note "$id" "after the resolve"
cd "$TMP_ROOT"
echo "git: 3 sites, $rounds rounds, actions $actions, forks created $created ($forks deliberate), forks found $found, merge conflicts $conflicts"
finish
