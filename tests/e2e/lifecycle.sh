#!/usr/bin/env bash
# The whole happy path of each kind of case, open to close, then a clean check.
. "$(dirname "$0")/lib.sh"
new_workspace

# A return: refund after the goods come back, with a freight deduction.
id=$(open_return SO-1001 SOFA-01 1999.00)
contains "$id" "RMA-261123-SH-0001" "the first case of the day at site SH"
expect 0 "approve a refund" rma review "$id" --approve --resolution refund --freight customer
expect 0 "goods shipped back" rma ship "$id" --return --carrier SF --tracking SF1001
expect 0 "warehouse receives" rma receive "$id" --qty 1 --condition intact --disposition restock
expect 0 "refund with a deduction" rma refund "$id" --amount 1979.00 --deduct freight=20.00 --ref PAY-1
run rma show "$id" --json
contains "$OUT" '"state":"refunded"' "refunded once paid out + deductions reach the amount owed"
expect 0 "follow-up call" rma contact "$id" --channel phone --note "满意"
expect 0 "close with satisfaction" rma close "$id" --satisfaction 5 --feedback "fast"
run rma show "$id" --json
contains "$OUT" '"state":"closed"' "return closed"
contains "$OUT" '"satisfaction":5' "satisfaction recorded"

# An exchange: goods back, replacement out.
id=$(rma open --kind exchange --order SO-2 --sku SHOE-42 --reason size --channel store --delivered "2026-11-20 10:00" --paid 399 -q)
expect 0 "approve an exchange" rma review "$id" --approve --resolution exchange
expect 0 "goods back" rma ship "$id" --return --carrier YTO --tracking YT1
expect 0 "received" rma receive "$id" --qty 1 --condition intact --disposition restock
expect 0 "replacement out" rma ship "$id" --replacement --carrier YTO --tracking YT2 --cost 12.00
expect 0 "close the exchange" rma close "$id" --satisfaction 4
run rma show "$id" --json
contains "$OUT" '"freight_cost":"12.00"' "company-paid freight recorded"

# A repair under warranty in the workshop, months after delivery (no defect window).
id=$(rma open --kind repair --order SO-3 --sku TV-55 --reason defect --channel phone --delivered "2026-05-01 10:00" --paid 4999 -q)
expect 0 "approve a repair" rma review "$id" --approve --resolution repair
expect 0 "goods to the workshop" rma ship "$id" --return --carrier SF --tracking SF3
expect 0 "received for repair" rma receive "$id" --qty 1 --condition damaged --disposition repair
expect 0 "repaired" rma repair "$id" --workshop --technician "Li Wei" --note "replaced the power board"
expect 0 "sent back" rma ship "$id" --replacement --carrier SF --tracking SF4
expect 0 "close the repair" rma close "$id" --satisfaction 5

# An on-site repair: the goods stay with the customer.
id=$(rma open --kind repair --order SO-4 --sku WASHER-8 --reason defect --channel phone --delivered "2026-08-01" --paid 3299 -q)
expect 0 "approve, goods stay" rma review "$id" --approve --resolution repair --keep-goods
refuse 5 "not allowed" "no return shipment when goods stay" rma ship "$id" --return --carrier SF --tracking X
expect 0 "repaired on site" rma repair "$id" --onsite --technician zhang
expect 0 "close the on-site repair" rma close "$id"

# A complaint: first response, compensation, close.
id=$(rma open --kind complaint --customer C-88231 --reason other --channel web --note "courier was rude" -q)
expect 0 "first response" rma contact "$id" --channel phone
expect 0 "compensation" rma review "$id" --approve --resolution compensation --amount 50.00
expect 0 "compensation paid" rma refund "$id" --amount 50.00 --method voucher --ref V-1
expect 0 "close the complaint" rma close "$id" --satisfaction 3
# A complaint resolved without money.
id=$(rma open --kind complaint --order SO-9 --reason late-delivery --channel email -q)
expect 0 "approve with no resolution" rma review "$id" --approve --resolution none
expect 0 "close" rma close "$id"

# Waiting for information, then a rejection and a reopen.
id=$(open_return SO-5 LAMP-1 199.00)
expect 0 "ask for information" rma review "$id" --need-info "a photo of the defect"
run rma show "$id" --json
contains "$OUT" '"state":"waiting-info"' "waiting for the customer"
contains "$OUT" '"state":"paused"' "its SLA clocks are paused"
expect 0 "reject" rma review "$id" --reject --why "no defect visible in the photo"
expect 0 "reopen" rma reopen "$id" --why "second photo shows the crack"
expect 0 "cancel" rma cancel "$id" --why "customer withdrew"

# A partial refund closed with --why.
id=$(open_return SO-6 CHAIR-2 800.00)
rma review "$id" --approve --resolution refund --keep-goods >/dev/null
expect 0 "partial refund" rma refund "$id" --amount 300.00 --ref PAY-6
run rma show "$id" --json
contains "$OUT" '"state":"partially-refunded"' "partially refunded"
expect 5 "closing a partial refund needs --why" rma close "$id"
expect 0 "close with --why" rma close "$id" --why "customer accepted 300 for a scratch"

# Corrections and notes; the state follows a corrected decisive field.
id=$(open_return SO-7 DESK-1 1200.00)
expect 0 "correct a typo in the sku" rma correct "$id" --seq 1 --set sku=DESK-2 --why "typo"
run rma show "$id" --json
contains "$OUT" '"sku":"DESK-2"' "the correction shows"
expect 0 "a note in Chinese" rma note "$id" "顾客要求上门取件 😀"
expect 0 "escalate" rma escalate "$id" --to wang --why "VIP customer"

# Backdating within the limit, dry runs, JSON output, ext retries.
before=$(ledger_sum "$WS")
run rma note "$id" "dry" --dry-run
same "$(ledger_sum "$WS")" "$before" "a dry run appends nothing"
contains "$OUT" " note note=dry by=alice h=" "a dry run prints the line"
RMA_NOW="2026-11-23 11:00" run rma contact "$id" --channel phone --at "2026-11-23 10:30" --json
contains "$OUT" '"action":"contact"' "writer json"
contains "$OUT" 'at=2026-11-23T10:30:00+08:00' "--at is recorded"
first=$(rma open --kind return --order SO-8 --sku X-1 --reason size --channel web --delivered 2026-11-21 --paid 10 --ext WEB-77 -q)
again=$(rma open --kind return --order SO-8 --sku X-1 --reason size --channel web --delivered 2026-11-21 --paid 10 --ext WEB-77 -q)
same "$again" "$first" "an open retried with the same --ext gives the same case"
late=$(RMA_NOW="2026-12-20 10:00" rma open --kind return --order SO-8 --sku X-1 --reason size --channel web --delivered 2026-11-21 --paid 10 --ext WEB-77 -q)
same "$late" "$first" "a retry after the window closed still finds its case"

expect 0 "the whole ledger checks clean" rma check
run rma list --format csv
contains "$OUT" '"id","kind","state"' "list csv header"
finish
