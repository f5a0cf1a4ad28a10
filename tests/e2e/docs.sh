#!/usr/bin/env bash
# The documentation agrees with the binary: every command in `rma --help` has a man page,
# every option in a command's --help appears in its man page, every --help has a summary
# and two examples; the shell completions complete commands, options, values and case ids.
. "$(dirname "$0")/lib.sh"
man=$(cd "$(dirname "$0")/../../man" && pwd)
commands=$(rma --help | awk '/^Subcommands:/ {on=1; next} on && /^$/ {exit} on && /^  [a-z]/ {print $1}')
[ -n "$commands" ] && pass || fail "no commands found in rma --help"
for cmd in $commands; do
  page="$man/rma-$cmd.1.scd"
  if [ -f "$page" ]; then pass; else fail "rma $cmd has no man page ($page)"; continue; fi
  subs=("$cmd")
  [ "$cmd" = policy ] && subs=("policy check" "policy show" "policy explain")
  [ "$cmd" = reconcile ] && subs=("reconcile refunds" "reconcile receipts")
  for sub in "${subs[@]}"; do
    help=$(rma $sub --help)
    for opt in $(echo "$help" | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
      case $opt in --help | --dir | --site | --by | --now | --format | --json | --quiet | --no-color | --version) continue ;; esac
      if grep -q -- "\*$opt\*" "$page"; then pass; else fail "rma $sub: $opt is in --help but not in rma-$cmd(1)"; fi
    done
    examples=$(echo "$help" | awk '/^Examples:/ {on=1; next} on && /^  rma|^  [a-z]/ {n++} END {print n+0}')
    if [ "$examples" -ge 2 ]; then pass; else fail "rma $sub --help has $examples examples"; fi
  done
done
for opt in --dir --site --by --now --format --json --quiet --no-color --version; do
  if grep -q -- "\*$opt\*" "$man/rma.1.scd"; then pass; else fail "global option $opt is not in rma(1)"; fi
done

# Completions
new_workspace
id=$(open_return)
mkdir -p "$TMP_ROOT/bin" && ln -s "$RMA" "$TMP_ROOT/bin/rma"
PATH=$TMP_ROOT/bin:$PATH
source <(rma completion bash)
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _rma; echo "${COMPREPLY[*]}"; }
contains "$(complete_words rma rev)" "review" "bash completes a command"
contains "$(complete_words rma review "")" "$id" "bash completes case ids from the workspace"
contains "$(complete_words rma list --state op)" "opened" "bash completes states"
contains "$(complete_words rma refund "$id" --am)" "--amount" "bash completes a command's options"
contains "$(complete_words rma policy ex)" "explain" "bash completes policy subcommands"
run rma completion zsh
contains "$OUT" "#compdef rma" "rma completion zsh"
finish
