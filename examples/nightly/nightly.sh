#!/usr/bin/env bash
# The nightly batch job of a returns desk, run by cron at 02:00 on the example workspace:
#   1. reconcile yesterday's refunds against the payment processor's settlement file,
#   2. reconcile the warehouse's receipt log against the ledger,
#   3. the SLA report, failing on breaches, as HTML for the morning meeting,
#   4. an export of the cases for the data warehouse.
# Every step runs; the job exits non-zero when any step found something, so cron mails.
#
#   examples/nightly/nightly.sh [OUTDIR]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
RMA=${RMA:-$(command -v rma || echo "$here/../../build/release/cmd/rma")}
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/rma-nightly.XXXXXX")}
mkdir -p "$out"
export RMA_DIR=${RMA_DIR:-$here/../returns}
export RMA_NOW=${RMA_NOW:-"2026-11-23 02:00"}
status=0
step() {
  local name=$1
  shift
  "$RMA" "$@"
  local rc=$?
  echo "nightly: $name: exit $rc" >&2
  [ $rc -eq 0 ] || status=1
}

# The processor writes refunds as negative amounts, in a file with summary lines.
step "reconcile refunds" reconcile refunds "$here/settlement-2026-11.csv" --negate \
  --since 2026-11-01 --until 2026-12-01 --format csv >"$out/refunds-reconciliation.csv"
step "reconcile receipts" reconcile receipts "$here/receipts-2026-11.csv" --json >"$out/receipts-reconciliation.json"
step "SLA report" report --since 2026-11-01 --fail-on breach --format html >"$out/report.html"
step "export for the warehouse" export --cases --format csv >"$out/cases.csv"
echo "nightly: results in $out"
exit $status
