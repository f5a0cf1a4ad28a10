#include <doctest/doctest.h>

#include "error.hpp"
#include "helpers.hpp"
#include "policy.hpp"
#include "workspace.hpp"

using namespace rma;

namespace {

Policy default_policy() {
  static const Policy p = parse_policy("policies/default.toml", std::string(default_policy_text()));
  return p;
}

Instant local(const char* text) { return parse_time(text, find_zone("Asia/Shanghai")); }

}  // namespace

TEST_CASE("the shipped default policy has the values of DESIGN §4") {
  Policy p = default_policy();
  CHECK(p.id == "default");
  CHECK(p.return_window->str() == "7d");
  CHECK(p.exchange_window->str() == "15d");
  CHECK(p.defect_report->str() == "48h");
  CHECK(p.warranty->str() == "365d");
  CHECK(p.is_quality("defect"));
  CHECK_FALSE(p.is_quality("changed-mind"));
  CHECK(p.sla_target("first_contact", false)->str() == "2bh");
  CHECK(p.sla_target("first_contact", true)->str() == "1h");
  CHECK(p.sla_target("refund", true)->str() == "3bd");
  CHECK(p.needs_supervisor(Money::parse("5000.01", 2), "CNY"));
  CHECK_FALSE(p.needs_supervisor(Money::parse("5000.00", 2), "CNY"));
  CHECK(p.needs_supervisor(Money::parse("1.00", 2), "EUR"));  // a currency not listed always does
}

TEST_CASE("return window: 7d - 1s allowed, exactly 7d allowed, 7d + 1s refused with an alternative") {
  Policy p = default_policy();
  Instant delivered = local("2026-11-20 10:00");
  CHECK(check_windows(p, CaseKind::return_, "changed-mind", delivered, local("2026-11-27 09:59:59")).allowed);
  CHECK(check_windows(p, CaseKind::return_, "changed-mind", delivered, local("2026-11-27 10:00:00")).allowed);
  auto late = check_windows(p, CaseKind::return_, "changed-mind", delivered, local("2026-11-27 10:00:01"));
  CHECK_FALSE(late.allowed);
  CHECK(late.window == "return");
  CHECK(format_human(late.deadline.at, p.calendar.zone()) == "2026-11-27 10:00 +08:00");
  REQUIRE(late.alternatives.size() == 2);
  CHECK(late.alternatives[0] == "an exchange is still possible until 2026-12-05 10:00 +08:00");
  CHECK(late.alternatives[1].find("--override") != std::string::npos);
}

TEST_CASE("exchange: day 15 allowed, day 16 refused") {
  Policy p = default_policy();
  Instant delivered = local("2026-11-01 10:00");
  CHECK(check_windows(p, CaseKind::exchange, "size", delivered, local("2026-11-16 09:00")).allowed);
  CHECK_FALSE(check_windows(p, CaseKind::exchange, "size", delivered, local("2026-11-17 09:00")).allowed);
}

TEST_CASE("defect report: 47h59m allowed, 48h01m refused as a quality claim, a repair still possible") {
  Policy p = default_policy();
  Instant delivered = local("2026-11-20 10:00");
  CHECK(check_windows(p, CaseKind::return_, "defect", delivered, local("2026-11-22 09:59")).allowed);
  auto late = check_windows(p, CaseKind::return_, "defect", delivered, local("2026-11-22 10:01"));
  CHECK_FALSE(late.allowed);
  CHECK(late.window == "defect_report");
  bool repair = false;
  for (const auto& a : late.alternatives) repair = repair || a.find("repair under warranty") != std::string::npos;
  CHECK(repair);
  // A repair under warranty is not held to the defect window.
  CHECK(check_windows(p, CaseKind::repair, "defect", delivered, local("2027-05-01 10:00")).allowed);
  CHECK_FALSE(check_windows(p, CaseKind::repair, "defect", delivered, local("2027-11-21 10:00")).allowed);
  // A non-quality return is not held to it either.
  CHECK(check_windows(p, CaseKind::return_, "changed-mind", delivered, local("2026-11-25 10:00")).allowed);
  // Complaints have no window.
  CHECK(check_windows(p, CaseKind::complaint, "other", delivered, local("2030-01-01 10:00")).allowed);
}

TEST_CASE("a policy in business days skips a holiday") {
  std::string text = std::string(default_policy_text());
  auto pos = text.find("return = \"7d\"");
  text.replace(pos, 13, "return = \"7bd\"");
  Policy p = parse_policy("furniture.toml", text);
  Instant delivered = local("2026-09-28 10:00");  // Monday before Golden Week
  // 7 business days: Sep 29, 30, Oct 8, 9, 10 (make-up Saturday), 12, 13.
  CHECK(check_windows(p, CaseKind::return_, "changed-mind", delivered, local("2026-10-13 10:00")).allowed);
  CHECK_FALSE(check_windows(p, CaseKind::return_, "changed-mind", delivered, local("2026-10-13 10:01")).allowed);
}

TEST_CASE("end-of-day counting (PRC 7-day no-reason return)") {
  std::string text = std::string(default_policy_text());
  auto pos = text.find("[windows]");
  text.insert(pos + 9, "\ncounting = \"end-of-day\"");
  Policy p = parse_policy("cn-consumer.toml", text);
  Instant delivered = local("2026-11-20 10:00");
  CHECK(check_windows(p, CaseKind::return_, "changed-mind", delivered, local("2026-11-27 23:59:59")).allowed);
  CHECK_FALSE(check_windows(p, CaseKind::return_, "changed-mind", delivered, local("2026-11-28 00:00")).allowed);
}

namespace {

struct BadPolicy {
  const char* what;
  std::string replace;  // text in the default policy to replace
  std::string with;
  int line;  // expected line (0: do not check)
  int column;
  const char* message_part;
};

std::string mutate(const std::string& from, const std::string& with) {
  std::string text(default_policy_text());
  if (from.empty()) return text + with;
  auto pos = text.find(from);
  REQUIRE_MESSAGE(pos != std::string::npos, from);
  text.replace(pos, from.size(), with);
  return text;
}

int line_of(const std::string& text, const std::string& needle) {
  auto pos = text.find(needle);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

}  // namespace

TEST_CASE("a catalogue of malformed policies: each gives its own message at the right place") {
  const std::vector<BadPolicy> cases = {
      {"typo in a key", "exchange = \"15d\"", "exchnage = \"15d\"", -1, 1, "did you mean 'exchange'"},
      {"typo in a table", "[windows]", "[window]", -1, 2, "unknown table"},
      {"string where a number goes", "version = 1", "version = \"1\"", -1, 11, "must be an integer"},
      {"number where a string goes", "return = \"7d\"", "return = 7", -1, 10, "must be a string"},
      {"unknown unit", "return = \"7d\"", "return = \"7x\"", -1, 10, "unknown unit"},
      {"no unit", "return = \"7d\"", "return = \"7\"", -1, 10, "has no unit"},
      {"zero duration", "return = \"7d\"", "return = \"0d\"", -1, 10, "longer than zero"},
      {"misspelt time zone", "timezone = \"Asia/Shanghai\"", "timezone = \"Asia/Shangai\"", -1, 12, "Asia/Shanghai"},
      {"impossible holiday", "\"2026-02-16\"", "\"2026-02-30\"", -1, 0, "not a date"},
      {"holiday not a date", "\"2026-01-01\"", "\"tomorrow\"", -1, 0, "not a date"},
      {"overlapping hours", "hours = [\"09:00-12:00\", \"13:30-18:00\"]", "hours = [\"09:00-12:00\", \"11:30-18:00\"]", -1, 0, "overlaps"},
      {"hours ending before they start", "hours = [\"09:00-12:00\", \"13:30-18:00\"]", "hours = [\"18:00-09:00\"]", -1, 0, "ends before"},
      {"hours not a range", "hours = [\"09:00-12:00\", \"13:30-18:00\"]", "hours = [\"9-5\"]", -1, 0, "not a range"},
      {"empty workdays", "workdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]", "workdays = []", -1, 0, "no workdays"},
      {"unknown weekday", "\"wed\", \"thu\"", "\"wen\", \"thu\"", -1, 0, "did you mean 'wed'"},
      {"weekday twice", "\"wed\", \"thu\"", "\"wed\", \"wed\"", -1, 0, "twice"},
      {"bad currency", "currency = \"CNY\"", "currency = \"yuan\"", -1, 12, "ISO 4217"},
      {"money as a float", "CNY = \"5000.00\"", "CNY = 5000.00", -1, 0, "amount in a string"},
      {"money with too many decimals", "CNY = \"5000.00\"", "CNY = \"5000.001\"", -1, 0, "decimal places"},
      {"unknown freight payer", "quality = \"company\"", "quality = \"vendor\"", -1, 0, "unknown payer"},
      {"unknown reason in unused_required", "unused_required = [\"changed-mind\", \"size\"]", "unused_required = [\"colour\"]", -1, 0, "not a reason"},
      {"reason listed twice", "\"late-delivery\"", "\"defect\"", 0, 0, "listed twice"},
      {"unknown sla target", "intake = \"1bd\"", "intak = \"1bd\"", -1, 1, "did you mean 'intake'"},
      {"unknown overrides value", "overrides = \"supervisor\"", "overrides = \"anyone\"", -1, 0, "unknown value"},
      {"missing version", "version = 1\n", "", 0, 0, "version"},
      {"bad counting", "[windows]", "[windows]\ncounting = \"lazy\"", -1, 0, "unknown counting"},
      {"holiday also extra workday", "extra_workdays = [\"2026-01-04\"", "extra_workdays = [\"2026-01-01\"", -1, 0, "both a holiday"},
      {"syntax error", "[calendar]", "[calendar", -1, 0, "not valid TOML"},
      {"bad policy id", "id = \"default\"", "id = \"Default Policy\"", -1, 0, "not a valid policy id"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    std::string text = mutate(c.replace, c.with);
    try {
      parse_policy("policies/default.toml", text);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::bad_data);
      std::string all = e.subject() + " " + e.why() + " " + e.hint();
      CAPTURE(all);
      CHECK(all.find(c.message_part) != std::string::npos);
      CHECK(e.where().file == "policies/default.toml");
      if (c.line == -1 && !c.with.empty()) {
        std::string first_line = c.with.substr(0, c.with.find('\n'));
        if (c.what != std::string("bad counting"))
          CHECK(e.where().line == line_of(text, first_line));
      }
      if (c.column > 0) CHECK(e.where().column == c.column);
      CHECK(e.where().line > 0);
    }
  }
}

TEST_CASE("policy selection, overlaps and version freezing in a workspace") {
  test::TempDir dir;
  auto root = test::make_workspace(dir);
  std::string furniture = mutate("id = \"default\"", "id = \"furniture\"");
  furniture = furniture.replace(furniture.find("applies_to = [\"*\"]"), 18, "applies_to = [\"furniture\", \"sofa*\"]");
  test::spit(root / "policies/furniture.toml", furniture);
  PolicySet set = load_policies(root);
  CHECK(set.select(std::nullopt, "furniture").id == "furniture");
  CHECK(set.select(std::nullopt, "sofa-3seat").id == "furniture");
  CHECK(set.select(std::nullopt, "phones").id == "default");
  CHECK(set.select(std::nullopt, "").id == "default");
  CHECK(set.select(std::string("default"), "furniture").id == "default");
  CHECK_THROWS_AS(set.select(std::string("nope"), ""), Error);

  SUBCASE("two policies for one category at one priority are an overlap") {
    std::string other = furniture;
    other.replace(other.find("id = \"furniture\""), 16, "id = \"sofas\"");
    test::spit(root / "policies/sofas.toml", other);
    CHECK_THROWS_AS(load_policies(root), Error);
    other.replace(other.find("applies_to"), 0, "priority = 5\n");
    test::spit(root / "policies/sofas.toml", other);
    PolicySet again = load_policies(root);
    CHECK(again.select(std::nullopt, "furniture").id == "sofas");
  }
  SUBCASE("a frozen version may not change without a bump") {
    const Policy* p = set.find("default");
    CHECK(freeze_policy(root, *p));
    CHECK_FALSE(freeze_policy(root, *p));
    CHECK_NOTHROW(load_policies(root));
    // Comments and layout do not matter; content does.
    test::spit(root / "policies/default.toml", "# a comment\n" + std::string(default_policy_text()));
    CHECK_NOTHROW(load_policies(root));
    test::spit(root / "policies/default.toml", mutate("return = \"7d\"", "return = \"8d\""));
    try {
      load_policies(root);
      FAIL("accepted a changed policy without a version bump");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::bad_data);
      CHECK(e.hint().find("version to 2") != std::string::npos);
    }
    // Judgement reads the archive, whatever the file says now.
    Policy archived = load_policy_version(root, "default@1", nullptr);
    CHECK(archived.return_window->str() == "7d");
    test::spit(root / "policies/default.toml",
               mutate("return = \"7d\"", "return = \"8d\"").replace(mutate("return = \"7d\"", "return = \"8d\"").find("version = 1"), 11, "version = 2"));
    CHECK_NOTHROW(load_policies(root));
  }
  SUBCASE("archives are byte-identical whoever writes them") {
    CHECK(archive_text(*set.find("default")) == archive_text(parse_policy("elsewhere.toml", std::string(default_policy_text()))));
  }
}
