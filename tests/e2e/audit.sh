#!/usr/bin/env bash
# rma audit: appends pass; an edited, removed or reordered committed line, or a deleted
# ledger file, is named with its commit, file and line; union merges pass; the example
# pre-receive hook refuses a tampering push on a bare server repository.
. "$(dirname "$0")/lib.sh"
examples=$(cd "$(dirname "$0")/../../examples" && pwd)
git_home
mkdir -p "$TMP_ROOT/bin" && ln -s "$RMA" "$TMP_ROOT/bin/rma"
export PATH=$TMP_ROOT/bin:$PATH

cd "$TMP_ROOT"
rma init ws --site SH --git --by wang -q
cd ws
sed -i 's/^commit = false/commit = true/' rma.toml
git commit -qam "each writer commits"
export RMA_OPERATOR=wang RMA_NOW="2026-11-23 10:00"
id=$(rma open --kind complaint --customer C-1 --reason other --channel web -q)
rma note "$id" first -q
rma note "$id" second -q
same "$(git log --format=%s -1)" "rma: note $id by wang" "each writer commits its own line with a structured message"
same "$(git show --stat --format= HEAD | grep -c '|')" "1" "and commits nothing else"
expect 0 "appends pass the audit" rma audit
contains "$OUT" "0 violations" "ok summary"
good=$(git rev-parse HEAD)

sed -i 's/note=first/note=frist/' ledger/2026-11/SH.rma
git commit -qam "tamper"
expect 1 "an edited committed line is a violation" rma audit
contains "$OUT" "ledger/2026-11/SH.rma:3" "it names the file and line"
contains "$OUT" "$(git rev-parse --short=12 HEAD)" "and the commit"
contains "$OUT" "note=first" "and quotes the line as committed"
expect 0 "the range before the tampering is clean" rma audit "$good"
git reset -q --hard "$good"

awk 'NR==3 {keep=$0; next} {print} END {print keep}' ledger/2026-11/SH.rma >x && mv x ledger/2026-11/SH.rma
git commit -qam "reorder"
expect 1 "reordered committed lines are a violation" rma audit "$good..HEAD"
git reset -q --hard "$good"

git rm -q ledger/2026-11/SH.rma && git commit -qm "delete"
expect 1 "a deleted ledger file is a violation" rma audit "$good..HEAD"
contains "$OUT" "deleted" "it says the file was deleted"
git reset -q --hard "$good"
expect 2 "an option-like range is refused" rma audit -- "--output=x"
expect 4 "an unknown revision" rma audit "nope..HEAD"

# A union merge of two branches that both appended: not a violation.
git checkout -q -b other
rma note "$id" "on other" -q
git checkout -q main
RMA_NOW="2026-11-23 10:05" rma note "$id" "on main" -q
git merge -q --no-edit other >/dev/null 2>&1
same "$?" "0" "the union merge of two appends does not conflict"
expect 0 "a union merge passes the audit" rma audit
expect 1 "(and the merged case is a fork, which check reports)" rma check

# The example pre-receive hook on a bare server repository.
cd "$TMP_ROOT"
git init -q --bare server.git
cp "$examples/hooks/pre-receive" server.git/hooks/pre-receive
git clone -q server.git client 2>/dev/null
cd client
git pull -q "$TMP_ROOT/ws" main 2>/dev/null
expect 0 "an append-only push is accepted" git push -q origin HEAD:main
sed -i '2s/by=wang/by=mallory/' ledger/2026-11/SH.rma
git commit -qam "rewrite history"
expect 1 "a tampering push is refused by the hook" git push -q origin HEAD:main
contains "$ERR" "refused" "the hook says why"
finish
