#!/usr/bin/env bash
# A short session typed into a real terminal (tmux), the way a person would: init, open with
# a typo then corrected, show, list. Checks what the screen shows: the suggestion, aligned
# columns, colour on the terminal and none in a pipe.
. "$(dirname "$0")/lib.sh"
if ! command -v tmux >/dev/null; then
  echo "tmux.sh: SKIPPED: tmux is not installed (scripts/install-deps --tests installs it)"
  exit 0
fi
sock="rma-test-$$"
t() { tmux -L "$sock" "$@"; }
trap 't kill-server 2>/dev/null; rm -rf "$TMP_ROOT"' EXIT
mkdir -p "$TMP_ROOT/bin" && ln -s "$RMA" "$TMP_ROOT/bin/rma"
t new-session -d -s s -x 160 -y 50 "env -i HOME=$TMP_ROOT TERM=xterm-256color PATH=$TMP_ROOT/bin:/usr/bin:/bin bash --norc --noprofile"
type_line() {  # types a line, then waits until the screen shows $2
  t send-keys -t s -l "$1"
  t send-keys -t s Enter
  for _ in $(seq 1 100); do
    t capture-pane -t s -p | grep -qF -- "$2" && return 0
    sleep 0.1
  done
  fail "the screen never showed '$2' after: $1"
  t capture-pane -t s -p >&2
  return 1
}
type_line "PS1='$ '; cd $TMP_ROOT; export RMA_NOW='2026-11-23 10:00' RMA_OPERATOR=wang; echo ready-\$((1+1))" "ready-2"
type_line "rma init shop --site SH --by wang" "created workspace"
type_line "cd shop; echo in-\$((2+2))" "in-4"
type_line "rma opne --kind return --order SO-1 --sku SOFA-01 --reason defect --channel phone --delivered '2026-11-22 10:00' --paid 1999.00" "did you mean 'open'"
pass
type_line "rma open --kind return --order SO-1 --sku SOFA-01 --reason defect --channel phone --delivered '2026-11-22 10:00' --paid 1999.00 --note '扶手开裂 armrest cracked'" "opened RMA-261123-SH-0001"
pass
type_line "rma open --kind exchange --order SO-2 --sku SHOE-42 --reason size --channel web --delivered '2026-11-20 10:00' --paid 399" "opened RMA-261123-SH-0002"
type_line "rma show RMA-261123-SH-0001" "History"
screen=$(t capture-pane -t s -p)
contains "$screen" "扶手开裂" "show prints the Chinese note"
contains "$screen" "first_contact (2bh)" "show lists the deadlines"
type_line "clear; rma list" "2 cases"
screen=$(t capture-pane -t s -p)
header=$(echo "$screen" | grep '^CASE')
row=$(echo "$screen" | grep 'RMA-261123-SH-0002')
col_header=$(awk -v s="$header" 'BEGIN {print index(s, "STATE")}')
col_row=$(awk -v s="$row" 'BEGIN {print index(s, "opened")}')
same "$col_row" "$col_header" "the list columns line up (STATE over opened)"
colored=$(t capture-pane -t s -p -e)
if [[ "$colored" == *$'\e['* ]]; then pass; else fail "no colour codes on the terminal"; fi
type_line "rma list > list.txt; rma show RMA-261123-SH-0001 | cat > show.txt; echo piped-\$((3+3))" "piped-6"
if grep -q $'\e' "$TMP_ROOT/shop/list.txt" "$TMP_ROOT/shop/show.txt"; then fail "colour codes in a pipe"; else pass; fi
finish
