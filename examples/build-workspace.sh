#!/usr/bin/env bash
# Builds the example workspace examples/returns/ from rma's own commands: a few dozen
# realistic cases over three weeks of November 2026 at two sites (SH, BJ). The clock is
# fixed at each step (RMA_NOW), so the result is the same bytes on every machine.
#
#   examples/build-workspace.sh [DIR]      (default: examples/returns)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
RMA=${RMA:-$(command -v rma || echo "$here/../build/release/cmd/rma")}
dir=${1:-$here/returns}
rm -rf "$dir"
"$RMA" init "$dir" --site SH --by wang -q
cp "$here/../policies/"*.toml "$dir/policies/"
sed -i 's/^wang = /alice = { role = "operator" }\nbob = { role = "operator" }\nli = { role = "operator" }\nwang = /' "$dir/rma.toml"
export RMA_DIR=$dir NO_COLOR=1
unset RMA_SITE
r() { "$RMA" "$@" >/dev/null; }
at() { export RMA_NOW="$1"; }
as() { export RMA_OPERATOR="$1"; }
site() { echo "$1" >"$dir/.rma/site"; }
open() { "$RMA" open "$@" -q; }

as alice
# --- week 1 ---------------------------------------------------------------------------
at "2026-11-02 09:20"
c1=$(open --kind return --order SO-240101 --sku SOFA-3S --category furniture --reason defect --channel phone \
  --delivered "2026-11-01 15:00" --paid 4599.00 --customer C-1001 --evidence IMG-5521 --note "扶手开裂，客户提供了照片")
at "2026-11-02 10:05"; r review "$c1" --approve --resolution refund --freight company
at "2026-11-03 14:00"; r ship "$c1" --return --carrier 德邦物流 --tracking DB88123001 --cost 180.00
at "2026-11-05 09:40"; as bob; r receive "$c1" --qty 1 --condition damaged --disposition vendor --arrived "2026-11-05 08:30"
at "2026-11-05 16:00"; as alice; r refund "$c1" --amount 4599.00 --ref PAY-20261105-001
at "2026-11-06 11:00"; r contact "$c1" --channel phone --note "回访：客户满意"
r close "$c1" --satisfaction 5 --feedback "处理很快"

at "2026-11-02 11:30"
c2=$(open --kind exchange --order SO-240117 --sku SHOE-RUN-42 --category shoes --reason size --channel web \
  --delivered "2026-10-30 12:00" --paid 129.00 --currency USD --customer C-2040 --policy webshop-us)
at "2026-11-02 13:00"; r review "$c2" --approve --resolution exchange
at "2026-11-03 10:00"; r ship "$c2" --return --carrier UPS --tracking 1Z999AA10123456784
at "2026-11-06 09:15"; as bob; r receive "$c2" --qty 1 --condition intact --disposition restock
at "2026-11-06 10:00"; r ship "$c2" --replacement --carrier UPS --tracking 1Z999AA10123456791 --cost 9.50
at "2026-11-09 10:00"; as alice; r close "$c2" --satisfaction 4

at "2026-11-03 15:10"
c3=$(open --kind complaint --customer C-3307 --reason late-delivery --channel email --note "order arrived five days late")
at "2026-11-04 09:30"; r contact "$c3" --channel phone --note "apologised; offered a voucher"
r review "$c3" --approve --resolution compensation --amount 50.00
at "2026-11-04 09:45"; r refund "$c3" --amount 50.00 --method voucher --ref V-2026-0031
at "2026-11-06 10:00"; r close "$c3" --satisfaction 3 --feedback "ok, but please be faster"

at "2026-11-04 10:00"
c4=$(open --kind return --order SO-240150 --sku PHONE-X12 --category phones --reason changed-mind --channel store \
  --delivered "2026-11-01 18:00" --paid 3999.00 --customer C-1188)
at "2026-11-04 10:30"; r review "$c4" --approve --resolution refund --freight customer
at "2026-11-04 10:35"; as bob; r receive "$c4" --qty 1 --condition used --disposition restock --note "屏幕有使用痕迹"
at "2026-11-04 11:00"; as wang; r review "$c4" --reject --why "已激活并有明显使用痕迹，不符合七天无理由退货条件"
at "2026-11-04 11:05"; as alice; r contact "$c4" --channel store
r close "$c4" --satisfaction 2 --feedback "不满意"

at "2026-11-05 09:00"
c5=$(open --kind repair --order SO-231120 --sku TV-65Q --category electronics --reason defect --channel phone \
  --delivered "2026-03-12 10:00" --paid 6999.00 --customer C-0871 --priority)
at "2026-11-05 09:20"; r review "$c5" --approve --resolution repair --keep-goods
at "2026-11-06 15:30"; r repair "$c5" --onsite --technician "王师傅" --note "更换电源板"
at "2026-11-07 10:00"; r contact "$c5" --channel phone
r close "$c5" --satisfaction 5

at "2026-11-05 14:00"
c6=$(open --kind return --order SO-240188 --sku LAMP-DESK --category home --reason damaged --channel web \
  --delivered "2026-11-04 19:00" --paid 239.00 --customer C-5120 --evidence IMG-7781 --evidence IMG-7782)
at "2026-11-05 15:00"; r review "$c6" --need-info "please send a photo of the packaging"
at "2026-11-06 09:10"; r note "$c6" "客户补充了包装照片"
r review "$c6" --approve --resolution refund --keep-goods
at "2026-11-06 09:30"; r refund "$c6" --amount 239.00 --ref PAY-20261106-014
at "2026-11-09 09:00"; r close "$c6" --satisfaction 4

# --- week 2: site BJ joins ------------------------------------------------------------
site BJ
as li
at "2026-11-09 10:00"
b1=$(open --kind return --order SO-240301 --sku BED-KING --category furniture --reason wrong-item --channel phone \
  --delivered "2026-11-07 16:00" --paid 8999.00 --customer C-7701 --note "送错颜色")
at "2026-11-09 11:00"; as wang; r review "$b1" --approve --resolution refund --freight company
at "2026-11-11 10:00"; as li; r ship "$b1" --return --carrier 顺丰 --tracking SF1400200033 --cost 260.00
at "2026-11-13 09:00"; r receive "$b1" --qty 1 --condition intact --disposition restock
at "2026-11-13 15:00"; as wang; r refund "$b1" --amount 5000.00 --ref PAY-20261113-002
at "2026-11-16 10:00"; r refund "$b1" --amount 3999.00 --ref PAY-20261116-001
at "2026-11-17 10:30"; as li; r contact "$b1" --channel phone
r close "$b1" --satisfaction 4

at "2026-11-10 16:40"
b2=$(open --kind complaint --order SO-240290 --reason other --channel chat --note "installer was rude")
at "2026-11-12 09:00"; r escalate "$b2" --to wang --why "second complaint about the same installer"
at "2026-11-12 10:00"; r contact "$b2" --channel phone
as wang; r review "$b2" --approve --resolution none
at "2026-11-13 10:00"; as li; r close "$b2" --satisfaction 3

at "2026-11-11 09:30"
b3=$(open --kind exchange --order SO-240311 --sku CHAIR-ERGO --category furniture --reason defect --channel web \
  --delivered "2026-11-10 11:00" --paid 1299.00 --customer C-4410)
at "2026-11-11 10:00"; r review "$b3" --approve --resolution exchange
at "2026-11-12 14:00"; r ship "$b3" --return --carrier 京东物流 --tracking JD0019920011
at "2026-11-16 10:00"; r receive "$b3" --qty 1 --condition damaged --disposition scrap
at "2026-11-16 15:00"; r ship "$b3" --replacement --carrier 京东物流 --tracking JD0019920098 --cost 45.00

at "2026-11-12 11:00"
b4=$(open --kind return --order SO-240330 --sku HEADPHONE-NC --category electronics --reason changed-mind --channel web \
  --delivered "2026-11-06 09:00" --paid 1599.00 --customer C-6602)
at "2026-11-12 11:30"; r review "$b4" --approve --resolution refund
at "2026-11-13 10:00"; r ship "$b4" --return --carrier 顺丰 --tracking SF1400200099
at "2026-11-17 09:30"; r receive "$b4" --qty 1 --condition intact --disposition restock
at "2026-11-20 16:00"; r refund "$b4" --amount 1579.00 --deduct freight=20.00 --ref PAY-20261120-007

site SH
as bob
at "2026-11-12 14:20"
c7=$(open --kind return --order SO-240344 --sku KETTLE-1L --category appliances --reason defect --channel store \
  --delivered "2026-11-11 10:00" --paid 199.00 --customer C-3003)
at "2026-11-12 14:30"; r review "$c7" --approve --resolution refund --keep-goods
at "2026-11-12 14:40"; r refund "$c7" --amount 199.00 --method original --ref PAY-20261112-031
at "2026-11-16 10:00"; r contact "$c7" --channel phone
r close "$c7" --satisfaction 5

at "2026-11-13 09:05"
c8=$(open --kind return --order SO-240351 --sku SOFA-2S --category furniture --reason changed-mind --channel web \
  --delivered "2026-11-06 10:00" --paid 3299.00 --customer C-2211 --ext WEB-88120)
at "2026-11-13 11:00"; r review "$c8" --approve --resolution refund --freight customer
at "2026-11-14 10:00"; r cancel "$c8" --why "customer decided to keep the sofa"

at "2026-11-16 10:00"
c9=$(open --kind return --order SO-240402 --sku DESK-OAK --category furniture --reason not-as-described --channel phone \
  --delivered "2026-11-14 17:00" --paid 2499.00 --customer C-9090 --note "颜色与图片不符")
at "2026-11-16 10:20"; r correct "$c9" --seq 1 --set sku=DESK-WALNUT --why "operator typed the wrong sku"
at "2026-11-16 16:00"; r review "$c9" --approve --resolution refund --freight company
at "2026-11-18 11:00"; r ship "$c9" --return --carrier 德邦物流 --tracking DB88124410 --cost 150.00

at "2026-11-17 09:30"
c10=$(open --kind repair --order SO-230915 --sku WASHER-8KG --category appliances --reason defect --channel phone \
  --delivered "2026-01-20 10:00" --paid 3299.00 --customer C-4521)
at "2026-11-17 10:00"; r review "$c10" --approve --resolution repair
at "2026-11-18 09:00"; r ship "$c10" --return --carrier 日日顺 --tracking RRS2026111801
at "2026-11-19 16:00"; r receive "$c10" --qty 1 --condition damaged --disposition repair
at "2026-11-20 17:00"; r repair "$c10" --workshop --technician zhang --note "replaced the drum bearing"

# --- week 3: today's work, some of it late ---------------------------------------------
as alice
at "2026-11-18 10:15"
c11=$(open --kind return --order SO-240460 --sku MONITOR-27 --category electronics --reason defect --channel web \
  --delivered "2026-11-17 12:00" --paid 1899.00 --customer C-3551)

at "2026-11-19 15:45"
c12=$(open --kind exchange --order SO-240477 --sku JACKET-M --category apparel --reason size --channel web \
  --delivered "2026-11-10 12:00" --paid 89.00 --currency USD --customer C-8120)
at "2026-11-20 09:30"; r review "$c12" --approve --resolution exchange

at "2026-11-20 11:00"
c13=$(open --kind complaint --customer C-1001 --reason other --channel web --priority --note "call centre kept me waiting 40 minutes")

at "2026-11-20 14:00"
c14=$(open --kind return --order SO-240490 --sku SOFA-3S --category furniture --reason defect --channel store \
  --delivered "2026-11-19 10:00" --paid 4599.00 --customer C-2288 --note "同款沙发扶手开裂（第二例）")
at "2026-11-20 14:10"; r escalate "$c14" --to quality-team --why "second cracked armrest on SOFA-3S this month"
as wang; r review "$c14" --approve --resolution exchange

as alice
at "2026-11-21 10:30"
c15=$(open --kind return --order SO-240501 --sku BLENDER-PRO --category appliances --reason changed-mind --channel phone \
  --delivered "2026-11-19 09:00" --paid 699.00 --customer C-7007)
at "2026-11-21 10:40"; r review "$c15" --approve --resolution refund --freight customer

at "2026-11-23 09:10"
c16=$(open --kind return --order SO-240522 --sku CHAIR-ERGO --category furniture --reason defect --channel phone \
  --delivered "2026-11-22 18:00" --paid 1299.00 --customer C-6060 --evidence VID-301 --note "气压杆漏气")
at "2026-11-23 09:30"
c17=$(open --kind exchange --order SO-240530 --sku PHONE-X12 --category phones --reason defect --channel store \
  --delivered "2026-11-20 10:00" --paid 3999.00 --customer C-1400)
at "2026-11-23 09:50"; r review "$c17" --approve --resolution exchange
at "2026-11-23 09:55"; r receive "$c17" --qty 1 --condition damaged --disposition vendor
at "2026-11-23 10:00"; r ship "$c17" --replacement --carrier 门店自提 --tracking STORE-SH-0042

echo "built $dir: $(ls "$dir"/ledger/*/*.rma | wc -l) ledger files, $(cat "$dir"/ledger/*/*.rma | grep -c ' h=') events"
