#!/usr/bin/env bash
# The examples run as they are, and the example workspace is exactly what its script builds.
. "$(dirname "$0")/lib.sh"
examples=$(cd "$(dirname "$0")/../../examples" && pwd)
export RMA
expect 0 "build-workspace.sh runs" bash "$examples/build-workspace.sh" "$TMP_ROOT/returns"
for f in $(cd "$examples/returns" && find ledger policies rma.toml -type f | sort); do
  if cmp -s "$examples/returns/$f" "$TMP_ROOT/returns/$f"; then pass; else fail "examples/returns/$f differs from what build-workspace.sh writes"; fi
done
expect 0 "tour.sh runs" bash "$examples/tour.sh"
contains "$OUT" "already recorded" "the tour shows an idempotent retry"
contains "$OUT" "ok: " "the tour ends with a clean check"
RMA_DIR=$examples/returns expect 0 "the example workspace checks clean" rma check
before=$(ledger_sum "$examples/returns")
expect 1 "the nightly job runs and reports the planted discrepancies" bash "$examples/nightly/nightly.sh" "$TMP_ROOT/nightly"
contains "$ERR" "reconcile refunds: exit 1" "refund reconciliation found the planted differences"
contains "$ERR" "SLA report: exit 1" "the SLA report fails on breaches"
contains "$ERR" "export for the warehouse: exit 0" "the export ran"
[ -s "$TMP_ROOT/nightly/report.html" ] && pass || fail "nightly wrote no report"
same "$(ledger_sum "$examples/returns")" "$before" "the nightly job changes no ledger byte"
finish
