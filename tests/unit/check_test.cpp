#include <doctest/doctest.h>
#include <fmt/format.h>

#include "check.hpp"
#include "helpers.hpp"
#include "journal.hpp"

using namespace rma;
using rma::test::TempDir;

namespace {

Zone shanghai() { return find_zone("Asia/Shanghai"); }
Instant t(const char* text) { return parse_time(text, shanghai()); }

// A workspace with two cases of four events each, all in ledger/2026-11/SH.rma.
boost::filesystem::path seeded(const TempDir& dir) {
  auto root = test::make_workspace(dir);
  Journal j(root, "SH", shanghai());
  std::vector<Draft> drafts;
  for (const char* id : {"RMA-261123-SH-0001", "RMA-261123-SH-0002"}) {
    drafts.push_back({id, "open", {{"kind", "complaint"}, {"order", "SO-9"}, {"reason", "other"}, {"channel", "web"}},
                      "alice", t("2026-11-23 10:00"), std::nullopt});
    for (int i = 0; i < 3; ++i)
      drafts.push_back({id, "note", {{"note", "n" + std::to_string(i)}}, "alice", t("2026-11-23 11:00"), std::nullopt});
  }
  j.append(drafts, false);
  return root;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

const Finding* first_finding(const CheckReport& r) {
  for (const auto& f : r.findings)
    if (f.severity == Severity::finding) return &f;
  return nullptr;
}

// Checks the workspace both ways -- a ledger read whole, and the files scanned for check
// alone -- and requires the same report from each.
CheckReport check_both(const boost::filesystem::path& root) {
  CheckReport whole = check_ledger(read_ledger(root));
  CheckReport scanned = check_files(root);
  CHECK(whole.files == scanned.files);
  CHECK(whole.events == scanned.events);
  CHECK(whole.cases == scanned.cases);
  CHECK(whole.unreadable == scanned.unreadable);
  REQUIRE(whole.findings.size() == scanned.findings.size());
  for (std::size_t i = 0; i < whole.findings.size(); ++i) {
    const Finding& a = whole.findings[i];
    const Finding& b = scanned.findings[i];
    CHECK(a.kind == b.kind);
    CHECK(a.severity == b.severity);
    CHECK(a.where.file == b.where.file);
    CHECK(a.where.line == b.where.line);
    CHECK(a.where.column == b.where.column);
    CHECK(a.where.text == b.where.text);
    CHECK(a.case_id == b.case_id);
    CHECK(a.seq == b.seq);
    CHECK(a.message == b.message);
    CHECK(a.hint == b.hint);
  }
  return scanned;
}

}  // namespace

TEST_CASE("a clean ledger has no findings") {
  TempDir dir;
  auto root = seeded(dir);
  auto report = check_both(root);
  CHECK(report.events == 8);
  CHECK(report.cases == 2);
  CHECK(report.findings.empty());
}

TEST_CASE("editing an earlier line is reported with file, line and case") {
  TempDir dir;
  auto root = seeded(dir);
  auto file = root / "ledger/2026-11/SH.rma";
  auto lines = lines_of(test::slurp(file));
  // line 3 is event 2 of case 0001 (line 1 is the header)
  auto pos = lines[2].find("note=n0");
  REQUIRE(pos != std::string::npos);
  lines[2].replace(pos, 7, "note=n9");
  test::spit(file, joined(lines));
  auto report = check_both(root);
  const Finding* f = first_finding(report);
  REQUIRE(f);
  CHECK(f->kind == "chain");
  CHECK(f->case_id == "RMA-261123-SH-0001");
  CHECK(f->seq == 2);
  CHECK(f->where.file == "ledger/2026-11/SH.rma");
  CHECK(f->where.line == 3);
  CHECK(report.count(Severity::finding) == 1);
}

TEST_CASE("deleting an earlier line is reported as a gap") {
  TempDir dir;
  auto root = seeded(dir);
  auto file = root / "ledger/2026-11/SH.rma";
  auto lines = lines_of(test::slurp(file));
  lines.erase(lines.begin() + 2);
  test::spit(file, joined(lines));
  auto report = check_both(root);
  const Finding* f = first_finding(report);
  REQUIRE(f);
  CHECK(f->kind == "gap");
  CHECK(f->case_id == "RMA-261123-SH-0001");
  CHECK(f->message.find("no event 2") != std::string::npos);
}

TEST_CASE("findings of many cases come in case order, after the files' own problems") {
  // The cases are checked in slices on several threads; the report must not show it.
  TempDir dir;
  auto root = test::make_workspace(dir);
  Journal j(root, "SH", shanghai());
  std::vector<Draft> drafts;
  for (int c = 40; c >= 1; --c) {  // written in reverse id order
    std::string id = fmt::format("RMA-261123-SH-{:04}", c);
    drafts.push_back({id, "open", {{"kind", "complaint"}, {"order", "SO-9"}, {"reason", "other"}, {"channel", "web"}},
                      "alice", t("2026-11-23 10:00"), std::nullopt});
    for (int i = 0; i < 3; ++i)
      drafts.push_back({id, "note", {{"note", "n" + std::to_string(i)}}, "alice", t("2026-11-23 11:00"), std::nullopt});
  }
  j.append(drafts, false);
  auto file = root / "ledger/2026-11/SH.rma";
  auto lines = lines_of(test::slurp(file));
  std::vector<std::string> kept;
  for (const auto& l : lines)
    if (l.find(" 2 note ") == std::string::npos) kept.push_back(l);  // every case loses event 2
  kept.push_back("not a ledger line");
  test::spit(file, joined(kept));
  auto report = check_both(root);
  REQUIRE(report.findings.size() == 41);
  CHECK(report.findings[0].kind == "format");
  for (int c = 1; c <= 40; ++c) {
    const Finding& f = report.findings[static_cast<std::size_t>(c)];
    CHECK(f.kind == "gap");
    CHECK(f.case_id == fmt::format("RMA-261123-SH-{:04}", c));
  }
  CHECK(report.cases == 40);
}

TEST_CASE("swapping the seq numbers of two events (renumbering) breaks the chain") {
  TempDir dir;
  auto root = seeded(dir);
  auto file = root / "ledger/2026-11/SH.rma";
  auto lines = lines_of(test::slurp(file));
  auto renumber = [](std::string& line, const char* from, const char* to) {
    auto pos = line.find(from);
    REQUIRE(pos != std::string::npos);
    line.replace(pos, std::strlen(from), to);
  };
  renumber(lines[2], "-0001 2 note", "-0001 3 note");
  renumber(lines[3], "-0001 3 note", "-0001 2 note");
  test::spit(file, joined(lines));
  auto report = check_both(root);
  REQUIRE(report.count(Severity::finding) >= 1);
  CHECK(first_finding(report)->kind == "chain");
  CHECK(first_finding(report)->case_id == "RMA-261123-SH-0001");
}

TEST_CASE("moving whole lines around is harmless") {
  TempDir dir;
  auto root = seeded(dir);
  auto file = root / "ledger/2026-11/SH.rma";
  auto lines = lines_of(test::slurp(file));
  std::swap(lines[2], lines[6]);
  test::spit(file, joined(lines));
  CHECK(check_both(root).findings.empty());
}

TEST_CASE("a fork (same case and seq at two sites) and a duplicate case id are reported") {
  TempDir dir;
  auto root = seeded(dir);
  // Another clone with its own site acts on case 0001 from the same head.
  Ledger before = read_ledger(root);
  auto head = before.case_events("RMA-261123-SH-0001").back();
  Event fork;
  fork.recorded = t("2026-11-23 12:00");
  fork.case_id = "RMA-261123-SH-0001";
  fork.seq = head->event.seq + 1;
  fork.action = "note";
  fork.fields = {{"note", "from BJ"}};
  fork.by = "alice";
  std::string fork_line = seal_event(fork, head->event.hash);
  Event mine = fork;
  mine.fields = {{"note", "from SH"}};
  std::string mine_line = seal_event(mine, head->event.hash);
  test::spit(root / "ledger/2026-11/BJ.rma", "# rma ledger v1\n" + fork_line);
  test::spit(root / "ledger/2026-11/SH.rma", test::slurp(root / "ledger/2026-11/SH.rma") + mine_line);
  auto report = check_both(root);
  REQUIRE(report.count(Severity::finding) == 1);
  CHECK(first_finding(report)->kind == "fork");
  CHECK(first_finding(report)->seq == 5);

  // Writers refuse to extend a forked case.
  Journal j(root, "SH", shanghai());
  CHECK_THROWS_AS(j.append({{"RMA-261123-SH-0001", "note", {{"note", "x"}}, "alice", t("2026-11-23 13:00"), std::nullopt}}, false),
                  Error);
}

TEST_CASE("a file that is not a ledger makes check unreadable") {
  TempDir dir;
  auto root = seeded(dir);
  test::spit(root / "ledger/2026-11/XX.rma", "\x89PNG binary junk\n");
  auto report = check_both(root);
  CHECK(report.unreadable);
}

TEST_CASE("two clones with one site code produce a duplicate case id, which check reports") {
  TempDir dir;
  auto root = seeded(dir);
  // The other clone opened its own first case of the day as SH too, in another month file.
  Event other;
  other.recorded = t("2026-11-23 15:00");
  other.case_id = "RMA-261123-SH-0001";
  other.seq = 1;
  other.action = "open";
  other.fields = {{"kind", "complaint"}, {"customer", "C-2"}, {"reason", "other"}, {"channel", "web"}};
  other.by = "bob";
  test::spit(root / "ledger/2026-12/SH.rma", "# rma ledger v1\n" + seal_event(other, kZeroHash));
  auto report = check_both(root);
  const Finding* f = first_finding(report);
  REQUIRE(f);
  CHECK(f->kind == "duplicate-case");
  CHECK(f->hint.find("site code") != std::string::npos);
}

TEST_CASE("an exact copy of a line is reported as a duplicate event") {
  TempDir dir;
  auto root = seeded(dir);
  auto file = root / "ledger/2026-11/SH.rma";
  auto lines = lines_of(test::slurp(file));
  lines.push_back(lines[3]);
  test::spit(file, joined(lines));
  auto report = check_both(root);
  REQUIRE(first_finding(report));
  CHECK(first_finding(report)->kind == "duplicate-event");
}

TEST_CASE("a resolve that discards two branches of a three-way fork settles it") {
  TempDir dir;
  auto root = seeded(dir);
  Ledger before = read_ledger(root);
  auto head = before.case_events("RMA-261123-SH-0001").back();
  std::vector<std::string> hashes;
  std::string extra;
  for (const char* site : {"SH", "BJ", "GZ"}) {
    Event e;
    e.recorded = t("2026-11-23 12:00");
    e.case_id = "RMA-261123-SH-0001";
    e.seq = head->event.seq + 1;
    e.action = "note";
    e.fields = {{"note", std::string("from ") + site}};
    e.by = "alice";
    std::string line = seal_event(e, head->event.hash);
    hashes.push_back(e.hash);
    test::spit(root / (std::string("ledger/2026-12/") + site + ".rma"), "# rma ledger v1\n" + line);
  }
  REQUIRE(first_finding(check_both(root)));
  CHECK(first_finding(check_both(root))->kind == "fork");
  Event r;
  r.recorded = t("2026-11-23 13:00");
  r.case_id = "RMA-261123-SH-0001";
  r.seq = head->event.seq + 2;
  r.action = "resolve";
  r.fields = {{"keep", hashes[0]}, {"discard", hashes[1] + "," + hashes[2]}, {"why", "x"}};
  r.by = "wang";
  std::string line = seal_event(r, hashes[0]);
  test::spit(root / "ledger/2026-12/SH.rma", test::slurp(root / "ledger/2026-12/SH.rma") + line);
  CHECK(check_both(root).count(Severity::finding) == 0);
}

TEST_CASE("format errors, keys out of order and a torn tail: both ways of checking agree") {
  TempDir dir;
  auto root = seeded(dir);
  auto file = root / "ledger/2026-11/SH.rma";
  // A valid event whose keys are out of canonical order (the hash covers them as written).
  Event e;
  e.recorded = t("2026-11-23 12:00");
  e.case_id = "RMA-261123-SH-0003";
  e.seq = 1;
  e.action = "open";
  e.fields = {{"reason", "other"}, {"kind", "complaint"}, {"channel", "web"}};
  e.by = "alice";
  std::string body = event_body(e);
  std::string unordered = body + " h=" + chain_hash(kZeroHash, body) + "\n";
  std::string text = test::slurp(file) + unordered + "not an event\n" + "2026-11-23T05:00:00.000Z RMA-261123-SH-0001 5 note";
  test::spit(file, text);
  auto report = check_both(root);
  std::vector<std::string> kinds;
  for (const auto& f : report.findings) kinds.push_back(f.kind);
  CHECK(std::find(kinds.begin(), kinds.end(), "format") != kinds.end());
  CHECK(std::find(kinds.begin(), kinds.end(), "torn-tail") != kinds.end());
  CHECK(std::find(kinds.begin(), kinds.end(), "key-order") != kinds.end());
}
