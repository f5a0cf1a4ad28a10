#include <doctest/doctest.h>

#include <fmt/format.h>

#include <stdexcept>

#include "desk.hpp"
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
  CHECK(rows[0].request.all("evidence") == std::vector<std::string>{"x", "y"});
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

TEST_CASE("an import checked a few rows at a time writes what one window would, and its retry too") {
  // Rows that lean on earlier ones across windows of 2: a case opened and then named by
  // ext:, a key repeated, a refund reference used twice, rows on cases of the ledger.
  auto import_in = [](test::Desk& desk, std::size_t window) {
    std::string before = desk.open_return("2026-11-23 09:00");
    desk.act("2026-11-23 09:10", "review", before, {{"approve", ""}, {"resolution", "refund"}, {"keep-goods", ""}});
    std::string csv =
        "action,case,key,kind,order,sku,reason,channel,delivered,paid,ext,note,amount,ref\n"
        "open,,k1,return,SO-9,A,defect,web,2026-11-22 10:00,50.00,E-1,,,\n"
        "note,ext:E-1,k2,,,,,,,,,first,,\n"
        "note," + before + ",k3,,,,,,,,,second,,\n"
        "note,ext:E-1,k2,,,,,,,,,first,,\n"
        "refund," + before + ",k4,,,,,,,,,,10.00,R-1\n"
        "note,ext:E-1,k5,,,,,,,,,third,,\n"
        "refund," + before + ",,,,,,,,,,,10.00,R-1\n"
        "note," + before + ",k3,,,,,,,,,second,,\n";
    std::vector<RowError> errors;
    auto rows = read_import_rows(csv, "rows.csv", "csv", errors);
    REQUIRE(errors.empty());
    WriteEnv env{&desk.settings, &desk.policies, "alice", test::t("2026-11-23 10:00")};
    std::vector<std::size_t> counts;
    for (int run = 0; run < 2; ++run) {
      Journal j(desk.root, "SH", desk.settings.zone);
      ImportReport r = run_import(j, rows, {}, env, false, false, {}, window);
      CHECK_MESSAGE(r.bad.empty(), (r.bad.empty() ? std::string() : r.bad.front().message));
      counts.push_back(r.applied.size());
      counts.push_back(r.already.size());
    }
    std::string ledger;
    for (const auto& file : list_ledger_files(desk.root)) ledger += file + "\n" + test::slurp(desk.root / file);
    return std::pair(ledger, counts);
  };
  test::Desk one, small;
  auto [whole, whole_counts] = import_in(one, 8192);
  auto [windowed, windowed_counts] = import_in(small, 2);
  CHECK(whole_counts == std::vector<std::size_t>{5, 3, 0, 8});
  CHECK(windowed_counts == whole_counts);
  CHECK(windowed == whole);
}

TEST_CASE("an import stopped by an exception mid-batch ends its fetching thread, appends nothing, and passes the exception on") {
  // The rows' thread stops in the fifth window of 64 while the fetching thread is a window
  // ahead, waiting to let go of the window before: it must end, not wait forever.
  test::Desk desk;
  std::string id = desk.open_return("2026-11-23 09:00");
  std::string csv = "action,case,key,note\n";
  for (int i = 0; i < 600; ++i) csv += fmt::format("note,{},k{},row {}\n", id, i, i);
  std::vector<RowError> errors;
  auto rows = read_import_rows(csv, "rows.csv", "csv", errors);
  REQUIRE(errors.empty());
  REQUIRE(rows.size() == 600);
  std::string before;
  for (const auto& file : list_ledger_files(desk.root)) before += test::slurp(desk.root / file);
  WriteEnv env{&desk.settings, &desk.policies, "alice", test::t("2026-11-23 10:00")};
  {
    Journal j(desk.root, "SH", desk.settings.zone);
    auto stop_at_row_256 = [](std::size_t done, std::size_t) {
      if (done == 256) throw std::runtime_error("stopped by the test");
    };
    CHECK_THROWS_WITH_AS(run_import(j, rows, {}, env, false, false, stop_at_row_256, 64), "stopped by the test",
                         std::runtime_error);
  }
  std::string after;
  for (const auto& file : list_ledger_files(desk.root)) after += test::slurp(desk.root / file);
  CHECK(after == before);
  // The same rows then import whole.
  Journal j(desk.root, "SH", desk.settings.zone);
  ImportReport r = run_import(j, rows, {}, env, false, false, {}, 64);
  CHECK(r.bad.empty());
  CHECK(r.applied.size() == 600);
}
