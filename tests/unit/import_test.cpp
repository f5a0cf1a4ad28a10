#include <doctest/doctest.h>

#include "error.hpp"
#include "import.hpp"

using namespace rma;

TEST_CASE("CSV rows become requests: empty cells are absent, repeatable options split on ';'") {
  std::vector<RowError> errors;
  auto rows = read_import_rows("action,case,note,evidence,approve\nnote,RMA-261123-SH-0001,\"a, \"\"b\"\"\",x;y,\n", "f.csv", "csv", errors);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].line == 2);
  CHECK(rows[0].request.action == "note");
  CHECK(rows[0].request.case_ref == "RMA-261123-SH-0001");
  CHECK(rows[0].request.get("note").value() == "a, \"b\"");
  CHECK(rows[0].request.options.at("evidence") == std::vector<std::string>{"x", "y"});
  CHECK_FALSE(rows[0].request.has("approve"));
  CHECK(errors.empty());
}

TEST_CASE("an unknown column refuses the file with a suggestion") {
  std::vector<RowError> errors;
  try {
    read_import_rows("action,case,nots\n", "f.csv", "csv", errors);
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::bad_data);
    CHECK(e.hint().find("did you mean 'note'") != std::string::npos);
  }
}

TEST_CASE("JSON Lines: floats refused, bad lines reported with their numbers") {
  std::vector<RowError> errors;
  auto rows = read_import_rows("{\"action\":\"refund\",\"amount\":1.5}\n\nnot json\n{\"action\":\"note\",\"case\":\"RMA-261123-SH-0001\",\"note\":\"x\"}\n",
                               "f.jsonl", "auto", errors);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].line == 4);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].line == 1);
  CHECK(errors[0].hint.find("never a binary float") != std::string::npos);
  CHECK(errors[1].line == 3);
}

TEST_CASE("regression (fuzzing): a JSON number too large for a double is a row error, not a crash") {
  std::vector<RowError> errors;
  auto rows = read_import_rows("{\"action\":\"note\",\"x\":999E99999994999999999}\n", "f.jsonl", "jsonl", errors);
  CHECK(rows.empty());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message.find("not valid JSON") != std::string::npos);
}

TEST_CASE("CSV with an unterminated quote is refused as a whole") {
  std::vector<RowError> errors;
  CHECK_THROWS_AS(read_import_rows("action,case,note\nnote,x,\"open\n", "f.csv", "csv", errors), Error);
}
