#!/usr/bin/env bash
# The batch side: import, export, reconcile, report --fail-on.
. "$(dirname "$0")/lib.sh"
examples=$(cd "$(dirname "$0")/../../examples" && pwd)
new_workspace

# --- import: all or nothing, --skip-bad, idempotent re-runs ----------------------------
cat >"$TMP_ROOT/rows.csv" <<'CSV'
action,case,key,kind,order,sku,reason,channel,delivered,paid,ext,approve,resolution,keep-goods,amount,ref,deduct,note
open,,k1,return,SO-1,A-1,defect,web,2026-11-22 10:00,100.00,W-1,,,,,,,"扶手开裂, ""cracked"""
review,ext:W-1,k2,,,,,,,,,yes,refund,yes,,,,
open,,k3,return,SO-2,A-2,defekt,web,2026-11-22 10:00,100.00,W-2,,,,,,,
refund,ext:W-1,k4,,,,,,,,,,,,90.00,P-1,freight=10.00,
open,,k5,complaint,SO-3,,other,email,,,W-3,,,,,,,
CSV
refuse 6 "rows.csv:4" "a bad row refuses the whole file and names its line" rma import "$TMP_ROOT/rows.csv"
contains "$ERR" "did you mean 'defect'" "the bad row's message names the fix"
same "$(ls "$WS/ledger" 2>/dev/null | wc -l)" "0" "nothing was appended"
run rma import "$TMP_ROOT/rows.csv" --dry-run --skip-bad
contains "$OUT" "4 valid" "a dry run checks every row"
same "$(ls "$WS/ledger" 2>/dev/null | wc -l)" "0" "and appends nothing"
run rma import "$TMP_ROOT/rows.csv" --skip-bad
same "$CODE" "1" "--skip-bad exits 1 when rows were skipped"
contains "$OUT" "4 appended" "--skip-bad appends exactly the good rows"
same "$(cat "$WS"/ledger/*/SH.rma | grep -c ' h=')" "4" "four events in the ledger"
run rma import "$TMP_ROOT/rows.csv" --skip-bad
contains "$OUT" "0 appended, 4 already done" "a second import appends nothing"
same "$(cat "$WS"/ledger/*/SH.rma | grep -c ' h=')" "4" "still four events"
id=$(rma list --ids | head -1)
run rma show "$id" --json
contains "$OUT" '"refunded":"90.00"' "the imported refund"
contains "$OUT" '扶手开裂, \"cracked\"' "quoted CSV cells keep commas and quotes"

printf '{"action":"open","kind":"return","order":"SO-9","sku":"Z","reason":"size","channel":"web","delivered":"2026-11-21","paid":"5.00","key":"j1"}\n{"action":"note","case":"%s","note":"from jsonl","key":"j2"}\n' "$id" >"$TMP_ROOT/rows.jsonl"
expect 0 "JSON Lines import" rma import "$TMP_ROOT/rows.jsonl"
printf '{"action":"open","kind":"return","order":"SO-9","sku":"Z","reason":"size","channel":"web","delivered":"2026-11-21","paid":5.5}\n' >"$TMP_ROOT/float.jsonl"
refuse 6 "never a binary float" "a float amount in JSON is refused" rma import "$TMP_ROOT/float.jsonl"
printf 'action,case,colour\nnote,%s,red\n' "$id" >"$TMP_ROOT/badhead.csv"
refuse 6 "unknown column 'colour'" "an unknown column refuses the file" rma import "$TMP_ROOT/badhead.csv"
refuse 4 "no such file" "a missing import file" rma import "$TMP_ROOT/nope.csv"

# --- export ------------------------------------------------------------------------------
run rma export --events
same "$(echo "$OUT" | wc -l)" "6" "one JSON line per event"
contains "$(echo "$OUT" | head -1)" '"action":"open"' "events in time order"
run rma export --cases --format csv
contains "$(echo "$OUT" | head -1)" '"id","site","kind","state"' "cases CSV header"
same "$(echo "$OUT" | wc -l)" "4" "a header and three cases"
run rma export --events --format csv --kind complaint
same "$(echo "$OUT" | wc -l)" "2" "export takes the list filters"
expect 2 "export needs --events or --cases" rma export

# --- reconcile: every planted discrepancy, nothing else ----------------------------------
export RMA_DIR=$examples/returns RMA_NOW="2026-11-23 10:30"
run rma reconcile refunds "$examples/nightly/settlement-2026-11.csv" --negate --json
same "$CODE" "1" "differences exit 1"
for want in '"amount-mismatch":1' '"currency-mismatch":1' '"duplicate-in-file":1' '"missing-in-ledger":1' \
            '"missing-in-file":1' '"matched":4'; do
  contains "$OUT" "$want" "settlement: $want"
done
contains "$OUT" '"ignored_lines":5' "summary lines before and after the table are ignored"
run rma reconcile refunds "$examples/nightly/settlement-2026-11.csv"
contains "$OUT" "use --negate" "negative amounts without --negate are called out"
run rma reconcile receipts "$examples/nightly/receipts-2026-11.csv" --json
for want in '"qty-mismatch":1' '"duplicate-in-file":1' '"missing-in-ledger":1' '"missing-in-file":1' '"matched":6'; do
  contains "$OUT" "$want" "receipts: $want"
done
# A GBK settlement file with other headers, mapped with --columns.
printf '退款单号,金额,币种\n`PAY-20261112-031,"199.00",CNY\n' | iconv -f UTF-8 -t GBK >"$TMP_ROOT/gbk.csv"
run rma reconcile refunds "$TMP_ROOT/gbk.csv" --columns ref=退款单号,amount=金额 --since 2026-11-12 --until 2026-11-13 --json
same "$CODE" "0" "a GBK file with mapped columns reconciles clean"
contains "$OUT" '"matched":1' "GBK row matched"
expect 2 "--columns with an unknown field" rma reconcile refunds "$TMP_ROOT/gbk.csv" --columns colour=x

# --- report ------------------------------------------------------------------------------
expect 1 "report --fail-on breach exits 1 on breaches" rma report --fail-on breach
contains "$ERR" "SLA breach" "and says so"
expect 0 "no breaches before anything was due" rma report --fail-on breach --as-of "2026-11-02 09:30"
run rma report --format csv
contains "$(echo "$OUT" | head -1)" "section,key,subkey,metric,value" "tidy CSV"
run rma report --format html
contains "$OUT" '<svg id="reasons-chart"' "HTML has the reasons chart"
contains "$OUT" '<svg id="sla-chart"' "HTML has the SLA chart"
contains "$OUT" '<svg id="aging-chart"' "HTML has the aging chart"
contains "$OUT" '<svg id="refunds-chart"' "HTML has the refunds chart"
if [[ "$OUT" == *"http://"*"src="* || "$OUT" == *"<script src"* || "$OUT" == *"<link "* ]]; then fail "the HTML loads something from outside"; else pass; fi
expect 2 "bad --group-by" rma report --group-by colour
finish
