#!/usr/bin/env bash
# A catalogue of hostile inputs across all commands: each gives its exit code and a clear
# message, and changes no ledger byte. Prints how many were tried and how many bytes changed.
. "$(dirname "$0")/lib.sh"
new_workspace
id=$(open_return SO-1 SOFA-01 1999.00)
rma review "$id" --approve --resolution refund --keep-goods >/dev/null
tried=0
changed=0
h() {  # h CODE TEXT DESCRIPTION CMD...: one hostile input
  tried=$((tried + 1))
  local before
  before=$(ledger_sum "$WS")
  refuse "$@"
  [ "$(ledger_sum "$WS")" = "$before" ] || changed=$((changed + 1))
}
big=$(head -c 100000 /dev/zero | tr '\0' A)
nl=$'SO\n1'

# --- options with newlines, control characters, invalid UTF-8, huge values ----------------
h 2 "whitespace" "newline in an order id" rma open --kind return --order "$nl" --sku A --reason size --channel web --delivered 2026-11-22 --paid 1
h 2 "whitespace" "tab in a sku" rma open --kind return --order SO-2 --sku $'A\tB' --reason size --channel web --delivered 2026-11-22 --paid 1
h 2 "whitespace" "newline in a payment reference" rma refund "$id" --amount 1 --ref $'P\n1'
h 2 "control character" "escape sequence in a note" rma note "$id" $'\e[31mred'
h 2 "control character" "carriage return in a why" rma cancel "$id" --why $'a\rb'
h 2 "control character" "DEL in a note" rma note "$id" $'a\x7fb'
h 2 "control character" "a bell in a carrier name" rma contact "$id" --channel phone --note $'x\x07'
h 2 "UTF-8" "invalid UTF-8 in a note" rma note "$id" $'\xff\xfe'
h 2 "UTF-8" "an overlong UTF-8 slash" rma note "$id" $'\xc0\xaf'
h 2 "UTF-8" "a UTF-16 surrogate in UTF-8" rma note "$id" $'\xed\xa0\x80'
h 2 "UTF-8" "invalid UTF-8 in a code" rma refund "$id" --amount 1 --ref $'P\xff'
h 2 "4,096" "a 100 KB note" rma note "$id" "$big"
h 2 "128" "a 100 KB reference" rma refund "$id" --amount 1 --ref "$big"
h 2 "128" "a 100 KB order id" rma open --kind return --order "$big" --sku A --reason size --channel web --delivered 2026-11-22 --paid 1
h 2 "4,096" "a 100 KB escalation reason" rma escalate "$id" --to wang --why "$big"
h 2 "is empty" "an empty reference" rma refund "$id" --amount 1 --ref ""
h 2 "is empty" "a name of spaces" rma escalate "$id" --to "   " --why x

# --- amounts ------------------------------------------------------------------------------
for bad in 1e309 -0.00 -5 +5 0.001 1,000.00 ¥100 NaN inf 0x10 " 5" 99999999999999999999 1.2.3 .5 5.; do
  h 2 "--amount" "refund amount '$bad'" rma refund "$id" --amount "$bad" --ref P-X
done
h 5 "still refundable" "a refund past the amount owed" rma refund "$id" --amount 99999.00 --ref P-X
h 2 "pays out nothing" "a refund of zero" rma refund "$id" --amount 0 --ref P-X
h 2 "--deduct" "a deduction without an amount" rma refund "$id" --amount 1 --deduct freight= --ref P-X
h 2 "not KIND=AMOUNT" "a deduction with a bad kind" rma refund "$id" --amount 1 --deduct "Freight Cost=1" --ref P-X
h 2 "--qty" "qty -1" rma open --kind return --order SO-2 --sku A --reason size --channel web --delivered 2026-11-22 --paid 1 --qty -1
h 2 "--qty" "qty 1e3" rma open --kind return --order SO-2 --sku A --reason size --channel web --delivered 2026-11-22 --paid 1 --qty 1e3

# --- dates and times ----------------------------------------------------------------------
for bad in 2026-02-30 9999-99-99 2026-13-01 2026-00-10 "2026-11-22 24:30" "2026-11-22T10:00:00+25:00" 26-11-22 "next tuesday" 1700000000 ""; do
  h 2 "--delivered" "delivered '$bad'" rma open --kind return --order SO-2 --sku A --reason size --channel web --delivered "$bad" --paid 1
done
h 2 "later than now" "--at in the future" rma note "$id" x --at 2030-01-01
h 2 "time" "--at garbage" rma note "$id" x --at "$nl"
h 2 "not a date and time" "--now garbage" rma note "$id" x --now "tomorrow"

# --- case ids and paths ---------------------------------------------------------------------
for bad in "../../etc/passwd" "RMA-261123-SH-0001/../x" "RMA-261123-SH-0001;rm" "/etc/passwd" "RMA-261123-SH-0001 " "rma-261123-sh-0001" "RMA-261123-SH-" "$big"; do
  h 2 "is not a case id" "case id '${bad:0:30}'" rma note "$bad" x
done
h 4 "is not in the ledger" "a well-formed unknown case" rma show RMA-991231-ZZ-0001
h 2 "is a file" "--dir pointing at a file" rma --dir "$WS/rma.toml" list
h 4 "holds no rma.toml" "--dir pointing at an empty folder" rma --dir "$TMP_ROOT" list
h 2 "site" "a writer with another site than .rma/site" rma note "$id" x --site BJ
h 3 "not listed" "an operator with a path in its name" rma note "$id" x --by "../wang"

# --- files replaced behind rma's back --------------------------------------------------------
month=$(ls "$WS/ledger" | grep -E '^[0-9]{4}-' | head -1)
mkdir -p "$WS/ledger/$month/XX.rma"
h 6 "not a regular file" "a writer while a ledger file is a folder" rma note "$id" x
tried=$((tried + 1)); expect 6 "check: a ledger file replaced by a folder" rma check
contains "$OUT" "not a regular file" "check names the folder"
rmdir "$WS/ledger/$month/XX.rma"
echo "# rma ledger v1" >"$TMP_ROOT/outside.rma"
ln -s "$TMP_ROOT/outside.rma" "$WS/ledger/$month/YY.rma"
tried=$((tried + 1)); expect 6 "check: a ledger file that is a symlink outside the workspace" rma check
contains "$OUT" "symbolic link" "check names the symlink"
rm "$WS/ledger/$month/YY.rma"
mv "$WS/ledger/$month/SH.rma" "$TMP_ROOT/SH.rma.saved"
ln -s "$TMP_ROOT/SH.rma.saved" "$WS/ledger/$month/SH.rma"
h 6 "symbolic link" "appending to a ledger file that is a symlink" rma note "$id" x
rm "$WS/ledger/$month/SH.rma"
mv "$TMP_ROOT/SH.rma.saved" "$WS/ledger/$month/SH.rma"
mkdir "$WS/policies/broken.toml"
h 6 "not a regular file" "a policy that is a folder" rma policy check
rmdir "$WS/policies/broken.toml"
ln -s "$TMP_ROOT/nowhere.toml" "$WS/policies/dangling.toml"
h 4 "no such file" "a dangling policy symlink" rma policy check
rm "$WS/policies/dangling.toml"
printf '\x00\x01\x02binary' >"$WS/policies/binary.toml"
h 6 "not valid TOML" "a binary policy file" rma policy check
rm "$WS/policies/binary.toml"
cp "$WS/rma.toml" "$TMP_ROOT/rma.toml.saved"
printf '[workspace]\nprefix = "rma lower"\n' >"$WS/rma.toml"
h 6 "prefix" "a bad prefix in rma.toml" rma note "$id" x
printf '[operators]\nalice = "operator"\n' >"$WS/rma.toml"
h 6 "must be a table" "an operator that is not a table" rma note "$id" x
cp "$TMP_ROOT/rma.toml.saved" "$WS/rma.toml"

# --- import files -----------------------------------------------------------------------------
printf 'action,case,note\nnote,%s,"a\x00b"\n' "$id" >"$TMP_ROOT/nul.csv"
h 6 "control character" "a NUL inside an import cell" rma import "$TMP_ROOT/nul.csv"
{ printf 'action,case,note\nnote,%s,"' "$id"; head -c 1048576 /dev/zero | tr '\0' n; printf '"\n'; } >"$TMP_ROOT/huge.csv"
h 6 "4,096" "a 1 MB value in an import row" rma import "$TMP_ROOT/huge.csv"
printf 'action,case,note\nnote,%s,"unterminated\n' "$id" >"$TMP_ROOT/quote.csv"
h 6 "cannot be read as CSV" "an unterminated quote" rma import "$TMP_ROOT/quote.csv"
printf '\xff\xfeaction,case\n' >"$TMP_ROOT/utf16.csv"
h 6 "UTF-8" "a UTF-16 import file" rma import "$TMP_ROOT/utf16.csv"
printf '{"action":"note","case":"%s","note":{"nested":1}}\n' "$id" >"$TMP_ROOT/nested.jsonl"
h 6 "must be a string" "a nested object in JSON Lines" rma import "$TMP_ROOT/nested.jsonl"
printf '[1,2,3]\n' >"$TMP_ROOT/array.jsonl"
h 6 "not a JSON object" "a JSON array row" rma import "$TMP_ROOT/array.jsonl"
printf 'action,case\nnote,../../x\n' >"$TMP_ROOT/path.csv"
h 6 "is not a case id" "a path as a case id in an import" rma import "$TMP_ROOT/path.csv"
h 4 "no such file" "a settlement file that does not exist" rma reconcile refunds "$TMP_ROOT/none.csv"
printf 'nothing,here\n1,2\n' >"$TMP_ROOT/noheader.csv"
h 6 "no header row" "a settlement file without the columns" rma reconcile refunds "$TMP_ROOT/noheader.csv"

# --- a policy with 100,000 holidays loads, and quickly -------------------------------------------
{ sed -n '1,/^\[calendar\]/p' "$WS/policies/default.toml" | sed 's/^id = "default"/id = "many"/; s/^applies_to = \["\*"\]/applies_to = ["many"]/'
  printf 'workdays = ["mon", "tue", "wed", "thu", "fri"]\nhours = ["09:00-18:00"]\nholidays = ['
  seq 0 99999 | awk '{print "2000-01-01 +" $1 " days"}' | date -u -f - +%F | awk '{printf "%s\"%s\"", (NR > 1 ? "," : ""), $0}'
  printf ']\n'; } >"$TMP_ROOT/many.toml"
if [ "$(grep -o '"' "$TMP_ROOT/many.toml" | wc -l)" -gt 100000 ]; then
  cp "$TMP_ROOT/many.toml" "$WS/policies/many.toml"
  start=$(date +%s)
  expect 0 "a policy with 100,000 holidays is valid" rma policy check
  same "$(( $(date +%s) - start < 20 ))" "1" "and loads within seconds"
  tried=$((tried + 1))
  rm "$WS/policies/many.toml"
else
  fail "could not generate the policy with 100,000 holidays"
fi

expect 0 "the ledger is clean after every hostile input" rma check
echo "hostile: hostile inputs tried $tried, bytes changed $changed"
same "$changed" "0" "no hostile input changed a ledger byte"
finish
