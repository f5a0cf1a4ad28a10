#include <doctest/doctest.h>

#include "ledger_line.hpp"

using namespace rma;

namespace {

Event sample() {
  Event e;
  e.recorded = *parse_utc("2026-11-23T03:38:30.123Z");
  e.case_id = "RMA-261123-SH-0042";
  e.seq = 1;
  e.action = "open";
  // Deliberately out of canonical order: the writer sorts them.
  e.fields = {{"note", "扶手开裂 armrest cracked"}, {"kind", "return"}, {"order", "SO-1001"},
              {"customer", "C-88231"}, {"sku", "SOFA-01"}, {"category", "furniture"}, {"qty", "1"},
              {"reason", "defect"}, {"channel", "phone"}, {"delivered", "2026-11-22T10:00:00+08:00"},
              {"paid", "1999.00"}, {"currency", "CNY"}, {"policy", "default@3"}};
  e.by = "alice";
  return e;
}

}  // namespace

TEST_CASE("the example line of DESIGN §2 is reproduced byte for byte, hash included") {
  Event e = sample();
  std::string line = seal_event(e, kZeroHash);
  CHECK(line ==
        "2026-11-23T03:38:30.123Z RMA-261123-SH-0042 1 open kind=return order=SO-1001 customer=C-88231 "
        "sku=SOFA-01 category=furniture qty=1 reason=defect channel=phone "
        "delivered=2026-11-22T10:00:00+08:00 paid=1999.00 currency=CNY policy=default@3 "
        "note=\"扶手开裂 armrest cracked\" by=alice h=8d2dc3cf7d98fbbe59b918a28d0c8dae\n");
}

TEST_CASE("round trip: parse(write(e)) == e and write(parse(line)) == line") {
  const char* values[] = {"plain", "with space", "quote\"inside", "back\\slash", "a=b", "#hash", "tab\there",
                          "new\nline", "cr\rhere", "中文客户 王先生", "emoji 😀👍", "", "   ", "\"\\\n\t\r=#",
                          "x\\n literally"};
  std::uint32_t seq = 2;
  std::string previous(kZeroHash);
  for (const char* v : values) {
    CAPTURE(v);
    Event e;
    e.recorded = *parse_utc("2026-11-23T03:38:30.000Z");
    e.case_id = "RMA-261123-SH-0042";
    e.seq = seq++;
    e.action = "note";
    e.fields = {{"note", v}, {"at", "2026-11-22T09:10:00+08:00"}};
    e.by = "alice";
    std::string line = seal_event(e, previous);
    REQUIRE(line.back() == '\n');
    std::string_view body(line.data(), line.size() - 1);
    CHECK(body.find('\n') == std::string_view::npos);
    auto parsed = parse_line(body);
    REQUIRE(std::holds_alternative<ParsedLine>(parsed));
    const auto& p = std::get<ParsedLine>(parsed);
    CHECK(p.event == e);
    CHECK(chain_hash(previous, body.substr(0, p.body_length)) == e.hash);
    Event again = p.event;
    CHECK(seal_event(again, previous) == line);
    previous = e.hash;
  }
}

TEST_CASE("readers accept keys in any order and keep unknown keys") {
  // (nape, nice and note begin alike and are as long: different keys all the same.)
  std::string_view line =
      "2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note future_key=1 nape=2 note=hello nice=3 by=alice "
      "h=00000000000000000000000000000000";
  auto parsed = parse_line(line);
  REQUIRE(std::holds_alternative<ParsedLine>(parsed));
  const Event& e = std::get<ParsedLine>(parsed).event;
  CHECK(e.get("future_key") == "1");
  CHECK(e.get("note") == "hello");
  CHECK(e.get("nape") == "2");
  CHECK(e.get("nice") == "3");
  CHECK_FALSE(is_canonical_order(e));
}

TEST_CASE("malformed lines are refused with the column of the fault") {
  struct Bad {
    const char* line;
    std::size_t byte;
    const char* message_part;
  };
  const std::string ok = "2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note=x by=alice h=0123456789abcdef0123456789abcdef";
  CHECK(std::holds_alternative<ParsedLine>(parse_line(ok)));
  Bad cases[] = {
      {"2026-11-23 RMA-261123-SH-0042 2 note by=a h=0123456789abcdef0123456789abcdef", 0, "recorded time"},
      {"2026-11-23T03:38:30.123Z RMA/../x 2 note by=a h=0123456789abcdef0123456789abcdef", 25, "not a case id"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 02 note by=a h=0123456789abcdef0123456789abcdef", 44, "sequence"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 nite by=a h=0123456789abcdef0123456789abcdef", 46, "unknown action"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note=\"open by=a h=0123456789abcdef0123456789abcdef", 56, "closing quote"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note=a\"b by=a h=0123456789abcdef0123456789abcdef", 57, "bare value"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note=x h=0123456789abcdef0123456789abcdef", 58, "no by="},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note by=a h=0123", 58, "32 lower-case hex"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note by=a", 55, "without h="},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note  by=a h=0123456789abcdef0123456789abcdef", 50, "exactly one space"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note=\xff by=a h=0123456789abcdef0123456789abcdef", 56, "UTF-8"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note=a\tb by=a h=0123456789abcdef0123456789abcdef", 57, "control"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note=a note=b by=a h=0123456789abcdef0123456789abcdef", 58, "twice"},
      // A repeat is found however far from the first, and among keys of its length.
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note=a nape=1 nice=2 x=3 note=b by=a h=0123456789abcdef0123456789abcdef", 76, "'note' appears twice"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note Note=a by=a h=0123456789abcdef0123456789abcdef", 51, "not a valid key"},
      // The key scan stops at the first byte a key may not hold; each way it can stop:
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note 1note=a by=a h=0123456789abcdef0123456789abcdef", 51, "not a valid key"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note _note=a by=a h=0123456789abcdef0123456789abcdef", 51, "not a valid key"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note no-te=a by=a h=0123456789abcdef0123456789abcdef", 51, "'no-te' is not a valid key"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note =a by=a h=0123456789abcdef0123456789abcdef", 51, "not a valid key"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note no-te by=a h=0123456789abcdef0123456789abcdef", 51, "found 'no-te'"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note by=a h=0123456789abcdef0123456789abcdef", 51, "found 'note'"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note by=a note", 56, "found 'note'"},
      // A bare value is read to the next space; the first byte it may not hold is named.
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note=ab#c=d by=a h=0123456789abcdef0123456789abcdef", 58, "'#' in a bare value"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note=a=b by=a h=0123456789abcdef0123456789abcdef", 57, "'=' in a bare value"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note= by=a h=0123456789abcdef0123456789abcdef", 56, "has no value"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note=\"a\\qb\" by=a h=0123456789abcdef0123456789abcdef", 58, "unknown escape"},
      {"2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note by=a h=0123456789abcdef0123456789abcdef x=1", 90, "last field"},
  };
  for (const auto& c : cases) {
    std::string shown = c.line;
    CAPTURE(shown);
    auto parsed = parse_line(c.line);
    REQUIRE(std::holds_alternative<LineError>(parsed));
    const auto& err = std::get<LineError>(parsed);
    CHECK(err.message.find(c.message_part) != std::string::npos);
    CHECK(err.byte == c.byte);
    CAPTURE(err.message);
  }
}

TEST_CASE("parse_line_into reuses an event: after any earlier line, the result is parse_line's") {
  Event first = sample();
  first.fields.push_back({"deduct_freight", "a value longer than the small-string buffer"});
  first.action = "refund";
  std::vector<std::string> lines = {
      seal_event(first, kZeroHash),
      "2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note=x by=alice h=0123456789abcdef0123456789abcdef\n",
      "2026-11-23T03:38:30.123Z RMA-261123-SH-0042 3 note note=\"a \\\"quoted\\\" one\" by=bo h=0123456789abcdef0123456789abcdef\n",
      "2026-11-23T03:38:30.123Z RMA-261123-SH-0042 4 close by=c h=0123456789abcdef0123456789abcdef\n",
      seal_event(first, kZeroHash),
  };
  Event reused;
  for (const auto& text : lines) {
    std::string_view line(text.data(), text.size() - 1);
    CAPTURE(line);
    auto expected = parse_line(line);
    REQUIRE(std::holds_alternative<ParsedLine>(expected));
    std::size_t body_length = 0;
    CHECK_FALSE(parse_line_into(line, reused, body_length).has_value());
    CHECK(reused == std::get<ParsedLine>(expected).event);
    CHECK(body_length == std::get<ParsedLine>(expected).body_length);
  }
  // A refused line gives the same error, however much the event held before.
  std::string_view twice = "2026-11-23T03:38:30.123Z RMA-261123-SH-0042 2 note note=a note=b by=a h=0123456789abcdef0123456789abcdef";
  std::size_t body_length = 0;
  auto err = parse_line_into(twice, reused, body_length);
  REQUIRE(err.has_value());
  CHECK(err->byte == std::get<LineError>(parse_line(twice)).byte);
  CHECK(err->message == std::get<LineError>(parse_line(twice)).message);
  // And the next good line parses whole again.
  std::string_view good(lines[1].data(), lines[1].size() - 1);
  CHECK_FALSE(parse_line_into(good, reused, body_length).has_value());
  CHECK(reused == std::get<ParsedLine>(parse_line(good)).event);
}

TEST_CASE("case ids") {
  auto id = parse_case_id("RMA-261123-SH-0042");
  REQUIRE(id);
  CHECK(id->prefix == "RMA");
  CHECK(id->date == "261123");
  CHECK(id->site == "SH");
  CHECK(id->counter == 42);
  CHECK(case_id_site("RMA-261123-SH-0042") == "SH");
  CHECK(case_id_site("RMA-261123-WH2-12345") == "WH2");
  CHECK(format_case_id(*id) == "RMA-261123-SH-0042");
  CHECK(format_case_id({"RMA", "261123", "SH", 12345}) == "RMA-261123-SH-12345");
  for (const char* bad : {"RMA-261123-SH-042", "rma-261123-SH-0042", "RMA-2611-SH-0042", "RMA-261123-sh-0042",
                          "RMA-261123-SH-0000", "RMA-261123-../-0042", "RMA-261123-SH-0042-1", "RMA261123SH0042",
                          "RMA-261123-SH-00042", "RMA-261123-SH", "-261123-SH-0042", "RMA-261123-SH-",
                          "RMA--SH-0042", "RMA-261123--0042", "RMA-261123-SH--0042", ""}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_case_id(bad).has_value());
    CHECK_FALSE(case_id_site(bad).has_value());
  }
}

TEST_CASE("deduction keys are written alphabetically at their place") {
  Event e;
  e.recorded = *parse_utc("2026-11-23T03:38:30.000Z");
  e.case_id = "RMA-261123-SH-0042";
  e.seq = 5;
  e.action = "refund";
  e.fields = {{"deduct_restocking", "50.00"}, {"ref", "P-1"}, {"amount", "900.00"},
              {"deduct_freight", "20.00"}, {"currency", "CNY"}, {"method", "original"}};
  e.by = "alice";
  std::string line = seal_event(e, kZeroHash);
  CHECK(line.find("refund amount=900.00 currency=CNY method=original ref=P-1 deduct_freight=20.00 "
                  "deduct_restocking=50.00 by=alice") != std::string::npos);
}
