// Report numbers against answers worked out by hand on a fixed ledger of four cases:
//   A  return, defect, SKU-A, 100.00, by phone Mon 11-23 10:00; approved (keep goods) 10:30;
//      refunded 100.00 (original, P-A) Tue 10:00; closed, satisfaction 5, Tue 11:00.
//   B  return, changed-mind, SKU-B, 200.00, web Mon 10:00; approved 11:00; shipped back with
//      15.00 company freight; received Tue 09:00 and scrapped; refunded 150.00 (transfer,
//      P-B) Tue 10:00; closed with --why, satisfaction 3, Wed 10:00.
//   C  exchange, defect, SKU-A, 300.00, web Tue 09:00; nothing since.
//   D  complaint, other, by email Tue 09:00; nothing since.
// The report is taken as of Wed 11-25 12:00.
#include <doctest/doctest.h>

#include "desk.hpp"
#include "report.hpp"

using namespace rma;
using rma::test::Desk;
using rma::test::t;

namespace {

struct Fixture {
  Desk d;
  std::string a, b, c, dd;
  Fixture() {
    a = d.act("2026-11-23 10:00", "open", "", {{"kind", "return"}, {"order", "SO-A"}, {"sku", "SKU-A"}, {"reason", "defect"},
                                                {"channel", "phone"}, {"delivered", "2026-11-22 18:00"}, {"paid", "100.00"}}).case_id;
    b = d.act("2026-11-23 10:00", "open", "", {{"kind", "return"}, {"order", "SO-B"}, {"sku", "SKU-B"}, {"reason", "changed-mind"},
                                                {"channel", "web"}, {"delivered", "2026-11-22 18:00"}, {"paid", "200.00"}}).case_id;
    d.act("2026-11-23 10:30", "review", a, {{"approve", ""}, {"resolution", "refund"}, {"keep-goods", ""}});
    d.act("2026-11-23 11:00", "review", b, {{"approve", ""}, {"resolution", "refund"}});
    d.act("2026-11-23 15:00", "ship", b, {{"return", ""}, {"carrier", "SF"}, {"tracking", "SF1"}, {"cost", "15.00"}});
    c = d.act("2026-11-24 09:00", "open", "", {{"kind", "exchange"}, {"order", "SO-C"}, {"sku", "SKU-A"}, {"reason", "defect"},
                                                {"channel", "web"}, {"delivered", "2026-11-23 18:00"}, {"paid", "300.00"}}).case_id;
    dd = d.act("2026-11-24 09:00", "open", "", {{"kind", "complaint"}, {"customer", "C-1"}, {"reason", "other"}, {"channel", "email"}}).case_id;
    d.act("2026-11-24 09:00", "receive", b, {{"qty", "1"}, {"condition", "intact"}, {"disposition", "scrap"}});
    d.act("2026-11-24 10:00", "refund", a, {{"amount", "100.00"}, {"ref", "P-A"}});
    d.act("2026-11-24 10:00", "refund", b, {{"amount", "150.00"}, {"ref", "P-B"}, {"method", "transfer"}});
    d.act("2026-11-24 11:00", "close", a, {{"satisfaction", "5"}});
    d.act("2026-11-25 10:00", "close", b, {{"satisfaction", "3"}, {"why", "customer accepted 150"}});
  }
  nlohmann::json report(const char* as_of, std::string group_by = "") {
    Ledger all = read_ledger(d.root);
    PolicyCache cache(d.root, &d.policies);
    ReportOptions o;
    o.as_of = t(as_of);
    o.group_by = std::move(group_by);
    nlohmann::json whole = build_report(ledger_as_of(all, o.as_of), cache, o, d.settings.zone);
    // `rma report` reads the files itself, a case at a time: the same document either way.
    std::vector<LedgerIssue> issues;
    CHECK(report_from_files(d.root, cache, o, d.settings.zone, issues).dump() == whole.dump());
    return whole;
  }
};

const nlohmann::json& row(const nlohmann::json& rows, const std::string& field, const std::string& value) {
  for (const auto& r : rows)
    if (r[field] == value) return r;
  static const nlohmann::json none;
  FAIL_CHECK("no row with " << field << " = " << value);
  return none;
}

}  // namespace

TEST_CASE("report: summary and aging") {
  Fixture f;
  auto r = f.report("2026-11-25 12:00");
  CHECK(r["summary"]["cases"] == 4);
  CHECK(r["summary"]["open"] == 2);
  CHECK(r["summary"]["closed_in_period"] == 2);
  CHECK(r["summary"]["open_by_state_and_kind"]["opened"]["exchange"] == 1);
  CHECK(r["summary"]["open_by_state_and_kind"]["opened"]["complaint"] == 1);
  CHECK(row(r["aging"], "bucket", "1-3d")["open"] == 2);
  CHECK(row(r["aging"], "bucket", "<1d")["open"] == 0);
}

TEST_CASE("report: SLA compliance, at risk, breaches, and what --fail-on breach counts") {
  Fixture f;
  auto r = f.report("2026-11-25 12:00");
  const auto& fc = row(r["sla"], "target", "first_contact");
  CHECK(fc["met"] == 1);       // A, by phone
  CHECK(fc["breached"] == 2);  // B never contacted (stopped at close), C still running
  const auto& review = row(r["sla"], "target", "review");
  CHECK(review["met"] == 2);
  CHECK(review["breached"] == 1);  // C: 1bd from Tue 09:00
  CHECK(row(r["sla"], "target", "refund")["met"] == 2);
  CHECK(row(r["sla"], "target", "intake")["met"] == 1);
  CHECK(row(r["sla"], "target", "follow_up")["met"] == 1);
  CHECK(row(r["sla"], "target", "complaint_response")["breached"] == 1);
  const auto& resolution = row(r["sla"], "target", "resolution");
  CHECK(resolution["running"] == 1);
  CHECK(resolution["at_risk"] == 1);  // due Thu 09:00, within the next 24 business hours
  CHECK(r["breaches"].size() == 4);
  CHECK(r["fail_on"]["breaches"] == 4);
  // Before anything was late there is nothing to fail on.
  CHECK(f.report("2026-11-23 10:05")["fail_on"]["breaches"] == 0);
}

TEST_CASE("report: reasons and products in Pareto order") {
  Fixture f;
  auto r = f.report("2026-11-25 12:00");
  REQUIRE(r["reasons"].size() == 3);
  CHECK(r["reasons"][0]["key"] == "defect");
  CHECK(r["reasons"][0]["count"] == 2);
  CHECK(r["reasons"][0]["share"] == 50.0);
  CHECK(r["reasons"][1]["cumulative"] == 75.0);
  CHECK(r["reasons"][2]["cumulative"] == 100.0);
  CHECK(r["products"][0]["key"] == "SKU-A");
  CHECK(r["products"][0]["count"] == 2);
}

TEST_CASE("report: refunds by method and currency, and cost of returns") {
  Fixture f;
  auto r = f.report("2026-11-25 12:00");
  CHECK(row(r["refunds"], "method", "original")["total"] == "100.00");
  CHECK(row(r["refunds"], "method", "transfer")["total"] == "150.00");
  const auto& cm = row(r["cost"]["by_reason"], "key", "changed-mind");
  CHECK(cm["refunds"] == "150.00");
  CHECK(cm["freight"] == "15.00");
  CHECK(cm["scrapped"] == "200.00");
  CHECK(cm["total"] == "365.00");
  CHECK(r["cost"]["by_reason"][0]["key"] == "changed-mind");  // the costliest first
  CHECK(row(r["cost"]["by_product"], "key", "SKU-A")["total"] == "100.00");
}

TEST_CASE("report: cycle times and satisfaction") {
  Fixture f;
  auto r = f.report("2026-11-25 12:00");
  CHECK(r["cycle_times"]["open_to_close"]["count"] == 2);
  CHECK(r["cycle_times"]["open_to_close"]["median_hours"] == 25.0);
  CHECK(r["cycle_times"]["open_to_close"]["p90_hours"] == 48.0);
  CHECK(r["cycle_times"]["open_to_refund"]["count"] == 1);  // B never completed its refund
  CHECK(r["cycle_times"]["open_to_refund"]["median_hours"] == 24.0);
  CHECK(r["satisfaction"]["closed"] == 2);
  CHECK(r["satisfaction"]["mean"] == 4.0);
  CHECK(r["satisfaction"]["response_rate"] == 100.0);
  CHECK(r["satisfaction"]["distribution"]["3"] == 1);
  CHECK(r["satisfaction"]["distribution"]["5"] == 1);
}

TEST_CASE("report: --as-of gives the same numbers before and after later events are appended") {
  Fixture f;
  auto before = f.report("2026-11-24 12:00");
  CHECK(before["summary"]["open"] == 3);  // B was not closed yet
  f.d.act("2026-11-26 09:00", "contact", f.c, {{"channel", "phone"}});
  f.d.act("2026-11-26 09:30", "review", f.c, {{"approve", ""}, {"resolution", "exchange"}});
  auto after = f.report("2026-11-24 12:00");
  CHECK(before.dump() == after.dump());
}

TEST_CASE("report: groups") {
  Fixture f;
  auto r = f.report("2026-11-25 12:00", "operator");
  REQUIRE(r["groups"].size() == 1);
  CHECK(r["groups"][0]["group"] == "alice");
  CHECK(r["groups"][0]["opened"] == 4);
  CHECK(r["groups"][0]["refunded"]["CNY"] == "250.00");
}

TEST_CASE("report: a resolved fork counts the branch that stands, whichever way the ledger is read") {
  Fixture f;
  Ledger before = read_ledger(f.d.root);
  const StoredEvent* head = before.case_events(f.c).back();
  // Two sites review case C at once: SH approves (and ships on its branch), BJ rejects. The
  // resolve keeps the reject, and with it discards what was built on the approval.
  std::vector<std::string> hashes;
  for (const char* site : {"SH", "BJ"}) {
    Event e;
    e.recorded = t("2026-11-24 12:00");
    e.case_id = f.c;
    e.seq = head->event.seq + 1;
    e.action = "review";
    if (std::string(site) == "SH") e.fields = {{"decision", "approve"}, {"resolution", "exchange"}};
    else e.fields = {{"decision", "reject"}, {"why", "used"}};
    e.by = "alice";
    std::string line = seal_event(e, head->event.hash);
    hashes.push_back(e.hash);
    if (std::string(site) == "SH") {  // SH goes on: the replacement is sent on its branch
      Event ship;
      ship.recorded = t("2026-11-24 12:30");
      ship.case_id = f.c;
      ship.seq = e.seq + 1;
      ship.action = "ship";
      ship.fields = {{"direction", "replacement"}, {"carrier", "SF"}, {"tracking", "SF9"}};
      ship.by = "alice";
      line += seal_event(ship, e.hash);
    }
    auto file = f.d.root / (std::string("ledger/2026-11/") + site + ".rma");
    std::string text = boost::filesystem::exists(file) ? test::slurp(file) : std::string("# rma ledger v1\n");
    test::spit(file, text + line);
  }
  f.d.act("2026-11-24 13:00", "resolve", f.c, {{"keep", hashes[1]}, {"why", "photos show use"}}, "wang");
  nlohmann::json r = f.report("2026-11-25 12:00");  // checks both ways of reading agree
  CHECK(r["summary"]["open"] == 1);                  // C is rejected now; only D is open
}
