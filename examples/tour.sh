#!/usr/bin/env bash
# An operator's walk-through on a copy of the example workspace: what a day at the returns
# desk looks like. The README's first command runs it; every line also works when pasted.
#
#   examples/tour.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
RMA=${RMA:-$(command -v rma || echo "$here/../build/release/cmd/rma")}
work=$(mktemp -d "${TMPDIR:-/tmp}/rma-tour.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$here/returns" "$work/returns"
cd "$work/returns"
echo SH >.rma/site 2>/dev/null || { mkdir -p .rma && echo SH >.rma/site; }
export RMA_OPERATOR=alice RMA_NOW="2026-11-23 10:30"
step() {
  if [ -t 1 ]; then printf '\n\033[1m$ rma %s\033[0m\n' "$*"; else printf '\n$ rma %s\n' "$*"; fi
  "$RMA" "$@"
}

echo "rma tour: a copy of examples/returns in $work, the clock fixed at $RMA_NOW (Asia/Shanghai)"
step list --state opened --state approved --state returning
step list --overdue
step show RMA-261123-SH-0001
step policy explain --kind return --reason defect --delivered "2026-11-22 18:00" --category furniture

# A customer phones about a cracked sofa delivered yesterday.
id=$("$RMA" open --kind return --order SO-240555 --sku SOFA-3S --category furniture --reason defect \
  --channel phone --delivered "2026-11-22 15:00" --paid 4599.00 --customer C-3131 --note "扶手开裂，第三例" -q)
echo; echo "opened $id"
step review "$id" --approve --resolution refund --freight company
step ship "$id" --return --carrier 顺丰 --tracking SF1400300001 --cost 180.00
step receive "$id" --qty 1 --condition damaged --disposition vendor
step refund "$id" --amount 4599.00 --ref PAY-20261123-077
step refund "$id" --amount 4599.00 --ref PAY-20261123-077
step show "$id"

# A late request is refused with what is still possible.
set +e
step open --kind return --order SO-240100 --sku LAMP-DESK --reason changed-mind --channel web \
  --delivered "2026-11-10 10:00" --paid 239.00
echo "(exit $?)"
set -e
step check
