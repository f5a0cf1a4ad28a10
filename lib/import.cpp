#include "import.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fmt/format.h>
#include <future>
#include <set>

#include "csv_table.hpp"
#include "parallel.hpp"
#include "text.hpp"

namespace rma {

namespace {

const std::set<std::string> kRepeatable = {"evidence", "deduct", "set"};

// Every column an import row may have: the options of all writers plus action, case, key, at.
const std::vector<std::string>& known_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c = {"action", "case", "key", "at"};
    for (const auto& a : writer_actions())
      for (const auto& o : action_options(a))
        if (std::find(c.begin(), c.end(), o) == c.end()) c.push_back(o);
    return c;
  }();
  return columns;
}

Error unknown_column(const std::string& display_path, int line, const std::string& column) {
  auto suggestion = closest_match(column, known_columns());
  return Error(ErrorKind::bad_data, fmt::format("{}:{}", display_path, line), fmt::format("unknown column '{}'", printable(column)),
               suggestion ? fmt::format("did you mean '{}'?", *suggestion)
                          : "columns are action, case, key and the long option names of the commands");
}

void put(ActionRequest& r, const std::string& column, std::string value) {
  if (column == "action") r.action = std::move(value);
  else if (column == "case") r.case_ref = std::move(value);
  else if (kRepeatable.contains(column)) {
    std::size_t pos = 0;
    while (pos <= value.size()) {
      std::size_t semi = value.find(';', pos);
      if (semi == std::string::npos) semi = value.size();
      if (semi > pos) r.add(column, value.substr(pos, semi - pos));
      pos = semi + 1;
    }
  } else {
    r.set(column, std::move(value));
  }
}

std::vector<ImportRow> read_csv_rows(const std::string& text, const std::string& display_path) {
  std::string_view body = text;
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  auto records = parse_csv(body, display_path, ',', true);
  if (records.empty()) return {};
  std::vector<std::string> header;
  for (auto h : records.front().fields) {
    while (!h.empty() && (h.back() == ' ' || h.back() == '\r')) h.pop_back();
    while (!h.empty() && h.front() == ' ') h.erase(h.begin());
    if (std::find(known_columns().begin(), known_columns().end(), h) == known_columns().end())
      throw unknown_column(display_path, records.front().line, h);
    header.push_back(h);
  }
  if (std::find(header.begin(), header.end(), "action") == header.end())
    throw Error(ErrorKind::bad_data, fmt::format("{}:{}", display_path, records.front().line), "the header has no 'action' column",
                "the first line names the columns: action,case,kind,order,...");
  // Each row on its own, so a large file's rows are built on both cores.
  std::vector<ImportRow> rows(records.size() - 1);
  on_each(
      rows.size(),
      [&](std::size_t r) {
        ImportRow& row = rows[r];
        row.line = records[r + 1].line;
        auto& fields = records[r + 1].fields;  // each row's own: its values are moved out
        row.request.options.reserve(static_cast<std::size_t>(
            std::count_if(fields.begin(), fields.end(), [](const std::string& v) { return !v.empty(); })));
        for (std::size_t c = 0; c < fields.size() && c < header.size(); ++c) {
          std::string& value = fields[c];
          if (!value.empty() && value.back() == '\r') value.pop_back();
          if (value.empty()) continue;
          put(row.request, header[c], std::move(value));
        }
        if (fields.size() > header.size())
          row.request.set("_extra_fields", std::to_string(fields.size() - header.size()));
      },
      {}, 1024, rows.size() >= 4096 ? worker_count() : 1);
  return rows;
}

std::vector<ImportRow> read_jsonl_rows(const std::string& text, std::vector<RowError>& errors) {
  std::vector<ImportRow> rows;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    ++line_no;
    if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {  // parse errors, and numbers out of range (found by fuzzing)
      errors.push_back({line_no, ErrorKind::usage, fmt::format("not valid JSON: {}", e.what()), "each line is one JSON object"});
      continue;
    }
    if (!j.is_object()) {
      errors.push_back({line_no, ErrorKind::usage, "not a JSON object", "each line is one object: {\"action\": \"open\", ...}"});
      continue;
    }
    ImportRow row;
    row.line = line_no;
    bool ok = true;
    for (auto it = j.begin(); it != j.end() && ok; ++it) {
      const std::string& key = it.key();
      if (std::find(known_columns().begin(), known_columns().end(), key) == known_columns().end()) {
        auto suggestion = closest_match(key, known_columns());
        errors.push_back({line_no, ErrorKind::usage, fmt::format("unknown key '{}'", printable(key)),
                          suggestion ? fmt::format("did you mean '{}'?", *suggestion) : "keys are the long option names"});
        ok = false;
        break;
      }
      const auto& v = it.value();
      if (v.is_null()) continue;
      if (v.is_string()) put(row.request, key, v.get<std::string>());
      else if (v.is_boolean()) {
        if (v.get<bool>()) row.request.set(key, "");
      } else if (v.is_number_integer() || v.is_number_unsigned()) {
        row.request.set(key, v.dump());
      } else if (v.is_array() && kRepeatable.contains(key)) {
        for (const auto& e : v) {
          if (!e.is_string()) {
            errors.push_back({line_no, ErrorKind::usage, fmt::format("'{}' holds a non-string", key), "list strings"});
            ok = false;
            break;
          }
          row.request.add(key, e.get<std::string>());
        }
      } else {
        errors.push_back({line_no, ErrorKind::usage, fmt::format("'{}' must be a string{}", key, v.is_number_float() ? ", not a floating-point number" : ""),
                          v.is_number_float() ? "write amounts as strings, such as \"1999.00\": money is never a binary float"
                                              : "give the value as text"});
        ok = false;
      }
    }
    if (ok) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

std::vector<ImportRow> read_import_rows(const std::string& text, const std::string& display_path, const std::string& format,
                                        std::vector<RowError>& row_errors) {
  std::string f = format;
  if (f == "auto") {
    std::string lower = display_path;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    f = lower.ends_with(".jsonl") || lower.ends_with(".ndjson") || lower.ends_with(".json") ? "jsonl" : "csv";
  }
  if (auto bad = find_invalid_utf8(text))
    throw Error(ErrorKind::bad_data, display_path, fmt::format("is not UTF-8 (byte {})", *bad + 1),
                "save the file as UTF-8 (iconv -f GBK -t UTF-8 converts GBK)");
  if (f == "jsonl") return read_jsonl_rows(text, row_errors);
  if (f == "csv") return read_csv_rows(text, display_path);
  throw Error(ErrorKind::usage, fmt::format("--input-format {}", format), "is not a format", "use csv, jsonl or auto");
}

ImportReport run_import(Journal& journal, const std::vector<ImportRow>& rows, std::vector<RowError> row_errors,
                        const WriteEnv& env, bool skip_bad, bool dry_run, const ProgressFn& progress,
                        std::size_t window) {
  ImportReport report;
  report.rows = rows.size() + row_errors.size();
  report.bad = std::move(row_errors);
  std::vector<Policy> to_freeze;
  report.applied.reserve(rows.size());
  journal.expect(rows.size());
  // A window of rows at a time: what its rows will ask of the ledger is fetched at once,
  // and let go of before the next window (what the rows staged stays). The next window's
  // is fetched on another thread while this one's rows are checked and staged, one after
  // another: the files do not change under the lock, and whatever a row stages is found
  // among the staged events, not in what was fetched.
  window = std::max<std::size_t>(window, 1);
  auto fetch = [&](std::size_t from, unsigned threads) {
    std::size_t to = std::min(rows.size(), from + window);
    Journal::Questions questions;
    for (std::size_t i = from; i < to; ++i) {
      const ActionRequest& r = rows[i].request;
      if (const std::string* key = r.find("key")) questions.keys.push_back(*key);
      if (const std::string* ref = r.find("ref"); ref && r.action == "refund") questions.refund_refs.push_back(*ref);
      if (const std::string* ext = r.find("ext"); ext && r.action == "open") questions.exts.push_back(*ext);
      if (r.case_ref.starts_with("ext:")) questions.exts.push_back(r.case_ref.substr(4));
      else if (!r.case_ref.empty()) questions.cases.push_back(r.case_ref);
    }
    return journal.fetch(questions, threads);
  };
  // One thread fetches every window after the first, one window ahead of the rows, and
  // lets go of each window's fetch once the rows have moved past it, so what it allocates
  // it also frees. If the rows stop early (an exception), the promises it waits on are
  // broken and it ends; `fetcher` is declared first so that it is waited for last.
  std::size_t windows = (rows.size() + window - 1) / window;
  std::future<void> fetcher;
  std::vector<std::future<Journal::Fetched>> ready;  // window w's fetch
  std::vector<std::promise<Journal::Fetched>> spent;  // window w's fetch, when the rows are past it
  if (windows > 1) {
    std::vector<std::promise<Journal::Fetched>> to_fill(windows);
    std::vector<std::future<Journal::Fetched>> to_free;
    spent.resize(windows);
    for (std::size_t w = 0; w < windows; ++w) {
      ready.push_back(to_fill[w].get_future());
      to_free.push_back(spent[w].get_future());
    }
    fetcher = std::async(std::launch::async, [&fetch, window, to_fill = std::move(to_fill), to_free = std::move(to_free)]() mutable {
      for (std::size_t w = 1; w < to_fill.size(); ++w) {
        try {
          to_fill[w].set_value(fetch(w * window, 1));
        } catch (...) {
          to_fill[w].set_exception(std::current_exception());
          return;
        }
        try {
          Journal::Fetched gone = to_free[w - 1].get();
        } catch (const std::future_error&) {
          return;  // the rows stopped
        }
      }
    });
  }
  for (std::size_t from = 0, w = 0; from < rows.size(); from += window, ++w) {
    std::size_t to = std::min(rows.size(), from + window);
    Journal::Fetched before = journal.adopt(w == 0 ? fetch(0, 0) : ready[w].get());
    if (w > 0) spent[w - 1].set_value(std::move(before));
    for (std::size_t i = from; i < to; ++i) {
      const auto& row = rows[i];
      if (progress && i % 256 == 0) progress(i, rows.size());
      try {
        if (row.request.has("_extra_fields"))
          throw Error(ErrorKind::usage, "row", "has more fields than the header has columns", "check the commas and quotes");
        if (row.request.action.empty())
          throw Error(ErrorKind::usage, "row", "has no action", "fill the action column: open, review, refund, ...");
        ActionResult r = stage_action(journal, row.request, env);
        if (r.freeze) to_freeze.push_back(*r.freeze);
        if (r.already_recorded) report.already.push_back({nullptr, std::move(r.case_id)});
        else report.applied.push_back({std::move(r.appended), {}});
      } catch (const Error& e) {
        report.bad.push_back({row.line, e.kind(), e.subject() + ": " + e.why(), e.hint()});
      }
    }
  }
  journal.forget_fetched();
  std::sort(report.bad.begin(), report.bad.end(), [](const RowError& a, const RowError& b) { return a.line < b.line; });
  if (dry_run || (!report.bad.empty() && !skip_bad)) return report;
  // With skip_bad, a bad row was never staged: the good ones stand on their own.
  for (const auto& p : to_freeze) freeze_policy(journal.root(), p);
  journal.commit(false);
  report.committed = true;
  return report;
}

}  // namespace rma
