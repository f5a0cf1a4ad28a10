#!/usr/bin/env bash
# Every refusal of DESIGN §3, §4 and §7: its exit code, a message that names the fix, and
# not one ledger byte changed.
. "$(dirname "$0")/lib.sh"
new_workspace
id=$(open_return SO-1 SOFA-01 1999.00)

# Policy (3)
refuse 3 "return window ended" "window passed" \
  rma open --kind return --order SO-2 --sku A --reason changed-mind --channel web --delivered "2026-11-10 10:00" --paid 100
refuse 3 "an exchange is still possible" "window refusal says what is still possible" \
  rma open --kind return --order SO-2 --sku A --reason changed-mind --channel web --delivered "2026-11-10 10:00" --paid 100
refuse 3 "defect-report window ended" "defect reported late" \
  rma open --kind return --order SO-2 --sku A --reason defect --channel web --delivered "2026-11-20 10:00" --paid 100
refuse 3 "not listed in rma.toml" "operator unknown" rma note "$id" x --by mallory
refuse 3 "did you mean 'alice'" "operator typo suggests the name" rma note "$id" x --by alcie
RMA_OPERATOR= refuse 3 "--by NAME" "no operator" rma note "$id" x
refuse 3 "supervisor" "an override needs a supervisor" \
  rma open --kind return --order SO-2 --sku A --reason changed-mind --channel web --delivered "2026-11-10 10:00" --paid 100 --override "loyal customer"
big=$(open_return SO-3 SOFA-9 6000.00)
refuse 3 "over the supervisor threshold" "approving a large amount needs a supervisor" \
  rma review "$big" --approve --resolution refund
refuse 3 "backdating" "backdating past the limit needs a supervisor" rma note "$id" late --at "2026-11-20 10:00"
sed -i 's/contact_details = "masked"/contact_details = "refused"/' "$WS/rma.toml"
refuse 3 "does not record contact details" "phone refused by the privacy setting" \
  rma open --kind complaint --customer C-1 --reason other --channel phone --phone "138 0000 0000"
sed -i 's/contact_details = "refused"/contact_details = "masked"/' "$WS/rma.toml"

# Conflict (5)
refuse 5 "not allowed while the case is opened" "refund before approval" rma refund "$id" --amount 1 --ref P-0
refuse 5 "allowed now: review --approve" "the refusal lists what is allowed" rma ship "$id" --return --carrier SF --tracking 1
rma review "$id" --approve --resolution refund --keep-goods >/dev/null
refuse 5 "still refundable" "refund over the amount owed" rma refund "$id" --amount 2000.00 --ref P-1
refuse 5 "still refundable" "deductions count against the amount owed" rma refund "$id" --amount 1999.00 --deduct freight=0.01 --ref P-1
refuse 5 "is in CNY" "currency mismatch" rma refund "$id" --amount 10.00 --currency USD --ref P-1
rma refund "$id" --amount 1000.00 --ref P-1 >/dev/null
expect 0 "the same refund retried is a no-op" rma refund "$id" --amount 1000.00 --ref P-1
contains "$OUT" "already recorded" "the retry says so"
refuse 5 "already used" "the same reference with another amount" rma refund "$id" --amount 999.00 --ref P-1
other=$(open_return SO-4 LAMP 100.00)
rma review "$other" --approve --resolution refund --keep-goods >/dev/null
refuse 5 "already used" "the same reference on another case" rma refund "$other" --amount 100.00 --ref P-1
refuse 5 "more than the customer paid" "approving more than was paid" rma review "$big" --approve --resolution refund --amount 7000 --by wang
refuse 5 "no unresolved fork" "resolve without a fork" rma resolve "$id" --keep 0123456789abcdef0123456789abcdef --why x
rma open --kind return --order SO-X --sku B --reason size --channel web --delivered 2026-11-21 --paid 5 --ext E2 -q >/dev/null
refuse 5 "already opened case" "an --ext reused with different details" \
  rma open --kind return --order SO-Y --sku B --reason size --channel web --delivered 2026-11-21 --paid 5 --ext E2

# Not found (4) and malformed ids (2)
refuse 4 "is not in the ledger" "unknown case" rma note RMA-261123-SH-9999 x
refuse 4 "did you mean" "unknown case suggests the closest" rma note RMA-261123-SH-0011 x
refuse 2 "is not a case id" "malformed case id" rma note RMA-../../etc x
refuse 2 "is not a case id" "case id with a path separator" rma show "RMA-261123-SH/../0001"
refuse 4 "no policy has this id" "unknown policy" \
  rma open --kind return --order SO-2 --sku A --reason size --channel web --delivered "2026-11-22" --paid 1 --policy nope

# Usage (2): invalid values for every option
o=(--kind return --order SO-2 --sku A --reason size --channel web --delivered "2026-11-22 10:00" --paid 100)
refuse 2 "allowed: return, exchange" "bad --kind" rma open --kind refund --order SO-2 --sku A --reason size --channel web --delivered 2026-11-22 --paid 1
refuse 2 "did you mean 'phone'" "bad --channel" rma open --kind return --order SO-2 --sku A --reason size --channel phnoe --delivered 2026-11-22 --paid 1
refuse 2 "whole number" "bad --qty" rma open "${o[@]}" --qty 0
refuse 2 "whole number" "absurd --qty" rma open "${o[@]}" --qty 99999999999999
refuse 2 "not a decimal number" "--paid 1e309" rma open "${o[@]/100/1e309}"
refuse 2 "decimal places" "--paid 0.001" rma open "${o[@]/100/0.001}"
refuse 2 "no sign" "--paid -0.00" rma open "${o[@]/100/-0.00}"
refuse 2 "not a day of the calendar" "--delivered 2026-02-30" rma open --kind return --order SO-2 --sku A --reason size --channel web --delivered 2026-02-30 --paid 1
refuse 2 "not a day of the calendar" "--delivered 9999-99-99" rma open --kind return --order SO-2 --sku A --reason size --channel web --delivered 9999-99-99 --paid 1
refuse 2 "later than the request" "delivery in the future" rma open --kind return --order SO-2 --sku A --reason size --channel web --delivered 2026-12-01 --paid 1
refuse 2 "did you mean 'defect'" "unknown reason" rma open --kind return --order SO-2 --sku A --reason defekt --channel web --delivered 2026-11-22 --paid 1
refuse 2 "ISO 4217" "bad --currency" rma open "${o[@]}" --currency yuan
refuse 2 "--order is required" "missing --order" rma open --kind return --sku A --reason size --channel web --delivered 2026-11-22 --paid 1
refuse 2 "whitespace" "a code with a space" rma open "${o[@]/SO-2/SO 2}"
refuse 2 "control character" "a note with a control character" rma note "$id" $'bell\x07'
refuse 2 "UTF-8" "invalid UTF-8" rma note "$id" $'caf\xe9'
refuse 2 "4,096" "a 5000-byte note" rma note "$id" "$(head -c 5000 /dev/zero | tr '\0' x)"
refuse 2 "128" "a 200-byte reference" rma refund "$id" --amount 1 --ref "$(head -c 200 /dev/zero | tr '\0' r)"
sed -i 's/^timezone = "Asia\/Shanghai"/timezone = "America\/New_York"/' "$WS/rma.toml"
refuse 2 "does not exist" "a local time in a DST gap" rma note "$id" x --at "2026-03-08 02:30"
sed -i 's/^timezone = "America\/New_York"/timezone = "Asia\/Shanghai"/' "$WS/rma.toml"
refuse 2 "later than now" "--at in the future" rma note "$id" x --at "2026-11-24 10:00"
refuse 2 "allowed: refund, exchange" "bad --resolution" rma review "$big" --approve --resolution cash --by wang
refuse 2 "allowed: company, customer" "bad --freight" rma review "$big" --approve --resolution refund --freight vendor --by wang
refuse 2 "one of --approve" "review without a decision" rma review "$big"
refuse 2 "exclude each other" "two decisions" rma review "$big" --approve --reject --resolution refund --why x
refuse 2 "not KIND=AMOUNT" "bad --deduct" rma refund "$id" --amount 1 --deduct freight --ref P-9
refuse 2 "allowed: original" "bad --method" rma refund "$id" --amount 1 --method cash --ref P-9
refuse 2 "from 1 to 5" "bad --satisfaction" rma close "$id" --satisfaction 6
refuse 2 "cannot be corrected" "correcting the operator" rma correct "$id" --seq 1 --set by=bob --why x
refuse 2 "whole number" "correcting a missing event" rma correct "$id" --seq 99 --set sku=B --why x
refuse 2 "not a decimal number" "a correction checked like the option" rma correct "$id" --seq 1 --set paid=abc --why x
refuse 2 "not a phone number" "bad --phone" rma open --kind complaint --customer C-1 --reason other --channel phone --phone "call me"
refuse 2 "no override is needed" "--override inside the window" rma open "${o[@]}" --override "because" --by wang
refuse 2 "--why TEXT is required" "cancel without why" rma cancel "$other"
refuse 2 "unknown command" "typo in a command" rma reveiw "$id" --approve
refuse 2 "did you mean 'review'" "command suggestion" rma reveiw "$id"
refuse 2 "not expected" "unknown option" rma note "$id" x --nope
refuse 2 "not a date and time" "bad \$RMA_NOW" env RMA_NOW=yesterday "$RMA" note "$id" x

# Bad data (6): a policy changed without a version bump refuses every writer
sed -i 's/^return = "7d"/return = "8d"/' "$WS/policies/default.toml"
refuse 6 "without a version bump" "a policy changed without a version bump" rma note "$id" x
refuse 6 "without a version bump" "policy check sees it too" rma policy check
sed -i 's/^return = "8d"/return = "7d"/' "$WS/policies/default.toml"
sed -i 's/^exchange = "15d"/exchnage = "15d"/' "$WS/policies/default.toml"
refuse 6 "did you mean 'exchange'" "a typo in a policy" rma policy check
contains "$ERR" "policies/default.toml:" "the error names the file"
sed -i 's/^exchnage = "15d"/exchange = "15d"/' "$WS/policies/default.toml"
sed -i 's/^timezone = "Asia\/Shanghai"/timezone = "Asia\/Shangai"/' "$WS/rma.toml"
refuse 6 "not a known IANA time zone" "a bad time zone in rma.toml" rma note "$id" x
sed -i 's/^timezone = "Asia\/Shangai"/timezone = "Asia\/Shanghai"/' "$WS/rma.toml"
expect 0 "the ledger is clean after all refusals" rma check
finish
