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

#include <fmt/format.h>

#include <cstdio>

#include "desk.hpp"
#include "report.hpp"

using namespace rma;
using rma::test::Desk;
using rma::test::t;

namespace {

// What Report::write_json writes.
std::string written(const Report& r) {
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  r.write_json(f);
  std::string out(static_cast<std::size_t>(std::ftell(f)), '\0');
  std::rewind(f);
  CHECK(std::fread(out.data(), 1, out.size(), f) == out.size());
  std::fclose(f);
  return out;
}

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
    nlohmann::json whole = build_report(ledger_as_of(all, o.as_of), cache, o, d.settings.zone).document();
    // `rma report` reads the files itself, a case at a time: the same document either way,
    // and the JSON it writes a piece at a time is the document's.
    std::vector<LedgerIssue> issues;
    Report from_files = report_from_files(d.root, cache, o, d.settings.zone, issues);
    CHECK(from_files.document().dump() == whole.dump());
    CHECK(written(from_files) == whole.dump(2) + "\n");
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

namespace {

// Cases whose lines run over two months and two sites' files, a case whose lines lie
// within one file among another's, one line that does not parse, and lines recorded
// after --as-of.
struct Spread {
  Desk d;
  std::vector<std::string> ids;
  Spread() {
    for (int i = 0; i < 6; ++i) {
      std::string when = fmt::format("2026-11-{} 10:00", 25 + i);
      ids.push_back(d.act(when.c_str(), "open", "", {{"kind", "return"}, {"order", "SO-" + std::to_string(i)}, {"sku", "SKU-A"},
                                                     {"reason", "changed-mind"}, {"channel", "web"}, {"delivered", "2026-11-24 18:00"},
                                                     {"paid", "100.00"}}, "alice", i % 2 ? "BJ" : "SH").case_id);
    }
    for (std::size_t i = 0; i < 6; i += 2) {
      d.act("2026-11-30 23:00", "review", ids[i], {{"approve", ""}, {"resolution", "refund"}, {"keep-goods", ""}}, "alice", "BJ");
      d.act("2026-12-01 09:00", "refund", ids[i], {{"amount", "100.00"}, {"ref", "P-" + ids[i]}}, "alice", "SH");
      d.act("2026-12-02 09:00", "close", ids[i], {{"satisfaction", "4"}}, "alice", "BJ");
    }
    d.act("2026-12-03 09:00", "note", ids[1], {{"note", "rang back"}}, "alice", "SH");
    // Case 5 lives within one file, its lines between those of case 3, which does not.
    d.act("2026-11-30 11:00", "note", ids[5], {{"note", "asked for photos"}}, "alice", "BJ");
    d.act("2026-11-30 11:30", "note", ids[3], {{"note", "rang"}}, "alice", "BJ");
    d.act("2026-11-30 11:45", "note", ids[5], {{"note", "photos came"}}, "alice", "BJ");
    // A line of case 3 that does not parse (its hash is wrong): readers skip it.
    auto file = d.root / "ledger/2026-12/SH.rma";
    test::spit(file, test::slurp(file) + "2026-12-03T02:00:00Z " + ids[3] + " 2 note text=x h=0000\n");
  }
  Report from_files(const char* as_of, const std::function<void()>& between = {}) {
    PolicyCache cache(d.root, &d.policies);
    ReportOptions o;
    o.as_of = t(as_of);
    std::vector<LedgerIssue> issues;
    return report_from_files(d.root, cache, o, d.settings.zone, issues, {}, between);
  }
  nlohmann::json whole(const char* as_of) {
    Ledger all = read_ledger(d.root);
    PolicyCache cache(d.root, &d.policies);
    ReportOptions o;
    o.as_of = t(as_of);
    return build_report(ledger_as_of(all, o.as_of), cache, o, d.settings.zone).document();
  }
};

}  // namespace

TEST_CASE("report: cases whose lines are spread over months and sites are gathered whole") {
  Spread s;
  for (const char* as_of : {"2026-11-30 12:00", "2026-12-01 12:00", "2026-12-05 12:00"}) {
    CAPTURE(as_of);
    nlohmann::json whole = s.whole(as_of);
    Report r = s.from_files(as_of);
    CHECK(r.document().dump() == whole.dump());
    CHECK(written(r) == whole.dump(2) + "\n");
  }
  nlohmann::json r = s.whole("2026-12-05 12:00");
  CHECK(r["summary"]["cases"] == 6);
  CHECK(r["summary"]["closed_in_period"] == 3);
  CHECK(r["refunds"][0]["count"] == 3);
}

TEST_CASE("report: a file appended to between the passes is read as the first pass saw it") {
  Spread s;
  nlohmann::json before = s.whole("2026-12-05 12:00");
  Report r = s.from_files("2026-12-05 12:00", [&] { s.d.act("2026-12-04 09:00", "note", s.ids[5], {{"note", "later"}}); });
  CHECK(r.document().dump() == before.dump());
}

TEST_CASE("report: a file replaced between the passes makes the report start again; twice is an error") {
  Spread s;
  auto file = s.d.root / "ledger/2026-12/SH.rma";
  // What `git pull` does: a new file (another inode) renamed over the old one, with more lines.
  auto replace = [&] {
    std::string text = test::slurp(file);
    s.d.act("2026-12-04 09:00", "note", s.ids[5], {{"note", "from the other clone"}});
    std::string grown = test::slurp(file);
    test::spit(file, text);
    test::spit(s.d.root / "ledger/2026-12/SH.rma.new", grown);
    boost::filesystem::rename(s.d.root / "ledger/2026-12/SH.rma.new", file);
  };
  int calls = 0;
  Report r = s.from_files("2026-12-05 12:00", [&] {
    if (++calls == 1) replace();
  });
  CHECK(calls == 2);
  CHECK(r.document().dump() == s.whole("2026-12-05 12:00").dump());  // the new lines are in

  std::string bytes = test::slurp(file);
  CHECK_THROWS_WITH_AS(s.from_files("2026-12-05 12:00", replace), doctest::Contains("replaced while they were read"), Error);
  CHECK(test::slurp(file).size() > bytes.size());  // the report wrote nothing; the test's notes are there
}

TEST_CASE("report: breaches from any number of runs, each in any order, come out in report order") {
  // 60 breaches with many ties in lateness (ties go by case, then clock), dealt into 1 to 5
  // runs and shuffled within each: the order written is always the one of a single sort.
  std::vector<ReportBreach> all;
  for (int i = 0; i < 60; ++i)
    all.push_back({fmt::format("RMA-261123-SH-{:04}", 1 + (i * 7) % 13), "review", t("2026-11-23 10:00"), std::nullopt,
                   static_cast<double>((i * 5) % 4) + 0.5, State::opened, static_cast<std::size_t>(i % 3)});
  // (case, clock) pairs repeat in `all` above; keep the first of each so no two are equal.
  std::vector<ReportBreach> distinct;
  for (const auto& b : all)
    if (std::none_of(distinct.begin(), distinct.end(), [&](const ReportBreach& d) { return d.case_id == b.case_id && d.clock == b.clock; }))
      distinct.push_back(b);
  REQUIRE(distinct.size() > 20);
  nlohmann::json sections = {{"breaches", nlohmann::json::array()}, {"fail_on", {{"breaches", 0}}}};
  const Report single(sections, {distinct}, find_zone("Asia/Shanghai"));
  nlohmann::json expected = single.document();
  std::vector<double> late;
  for (const auto& b : expected["breaches"]) late.push_back(b["late_hours"].get<double>());
  CHECK(std::is_sorted(late.rbegin(), late.rend()));
  for (std::size_t runs = 1; runs <= 5; ++runs) {
    CAPTURE(runs);
    std::vector<std::vector<ReportBreach>> dealt(runs);
    for (std::size_t k = 0; k < distinct.size(); ++k) dealt[(k * 3) % runs].push_back(distinct[distinct.size() - 1 - k]);
    const Report r(sections, std::move(dealt), find_zone("Asia/Shanghai"));
    CHECK(r.document() == expected);
    CHECK(written(r) == expected.dump(2) + "\n");
  }
}

TEST_CASE("report: hours are written as the JSON library writes them, for every tenth under 100,000") {
  std::string ours;
  for (std::int64_t tenths = 0; tenths < 1000000; ++tenths) {
    double hours = std::round(static_cast<double>(tenths)) / 10.0;  // as hours_of makes them
    ours.clear();
    append_json_hours(ours, hours);
    if (ours != nlohmann::json(hours).dump()) {
      CAPTURE(hours);
      CHECK(ours == nlohmann::json(hours).dump());
      break;
    }
  }
  for (double other : {100000.0, 123456.7, 1e20, -1.5, 0.05})  // the library's own
    CHECK([&] { std::string s; append_json_hours(s, other); return s; }() == nlohmann::json(other).dump());
}
