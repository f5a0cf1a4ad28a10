#include "reconcile.hpp"

#include <unicode/ucnv.h>

#include <algorithm>
#include <fmt/format.h>
#include <set>

#include "csv_table.hpp"
#include "text.hpp"

namespace rma {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Spreadsheet armour and stray whitespace around a cell: `12345, '12345, \t12345, ="12345".
std::string clean_cell(std::string v) {
  auto trim = [](std::string& s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    s.erase(0, i);
  };
  trim(v);
  if (v.size() >= 3 && v.starts_with("=\"") && v.ends_with("\"")) v = v.substr(2, v.size() - 3);
  while (!v.empty() && (v[0] == '`' || v[0] == '\'')) v.erase(0, 1);
  trim(v);
  return v;
}

const std::map<std::string, std::vector<std::string>>& synonyms() {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"ref", {"ref", "reference", "payment_ref", "payment ref", "payment reference", "refund ref", "refund_ref", "refund id",
               "refund no", "transaction id", "退款单号", "商户退款单号", "退款流水号", "交易单号", "流水号"}},
      {"amount", {"amount", "refund amount", "refund_amount", "退款金额", "金额"}},
      {"currency", {"currency", "ccy", "币种", "货币"}},
      {"case", {"case", "case id", "case_id", "rma", "rma id", "售后单号", "工单号"}},
      {"sku", {"sku", "item", "product", "商品编码", "货号"}},
      {"qty", {"qty", "quantity", "count", "数量", "入库数量"}},
  };
  return table;
}

struct Table {
  std::map<std::string, std::size_t> column;  // field -> index
  std::vector<CsvRecord> rows;
  std::size_t ignored = 0;
};

// Finds the header (the first record naming the key field) and the rows under it.
Table locate_table(const std::string& text, const std::string& display_path, const ReconcileOptions& o,
                   const std::vector<std::string>& fields, const std::string& key_field) {
  std::string_view body = text;
  for (int i = 0; i < o.skip_lines && !body.empty(); ++i) {
    std::size_t nl = body.find('\n');
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
  }
  auto records = parse_csv(body, display_path, o.delimiter);
  for (auto& r : records) r.line += o.skip_lines;
  auto names_for = [&](const std::string& field) {
    auto it = o.columns.find(field);
    if (it != o.columns.end()) return std::vector<std::string>{lower(clean_cell(it->second))};
    return synonyms().at(field);
  };
  Table t;
  std::size_t header = records.size();
  for (std::size_t i = 0; i < records.size() && header == records.size(); ++i) {
    std::vector<std::string> cells;
    for (const auto& c : records[i].fields) cells.push_back(lower(clean_cell(c)));
    for (const auto& name : names_for(key_field))
      if (std::find(cells.begin(), cells.end(), name) != cells.end()) header = i;
  }
  if (header == records.size()) {
    std::string wanted;
    for (const auto& n : names_for(key_field)) wanted += (wanted.empty() ? "" : ", ") + n;
    throw Error(ErrorKind::bad_data, display_path, fmt::format("no header row names the {} column ({})", key_field, wanted),
                fmt::format("map your file's headers with --columns {}=HEADER,...", key_field));
  }
  std::vector<std::string> cells;
  for (const auto& c : records[header].fields) cells.push_back(lower(clean_cell(c)));
  for (const auto& field : fields)
    for (const auto& name : names_for(field)) {
      auto it = std::find(cells.begin(), cells.end(), name);
      if (it != cells.end() && !t.column.contains(field)) t.column[field] = static_cast<std::size_t>(it - cells.begin());
    }
  for (const auto& [field, header_name] : o.columns)
    if (!t.column.contains(field))
      throw Error(ErrorKind::bad_data, fmt::format("{}:{}", display_path, records[header].line),
                  fmt::format("the header has no column '{}' (given for {})", header_name, field),
                  "check --columns against the file's header");
  t.ignored = header;
  std::size_t key = t.column.at(key_field);
  std::size_t needed = 0;
  for (const auto& [field, index] : t.column) needed = std::max(needed, index + 1);
  for (std::size_t i = header + 1; i < records.size(); ++i) {
    const auto& f = records[i].fields;
    // Summary lines after the table: shorter than the columns we read, or no key value.
    if (f.size() < needed || clean_cell(f[key]).empty()) {
      ++t.ignored;
      continue;
    }
    t.rows.push_back(records[i]);
  }
  return t;
}

std::string cell(const CsvRecord& r, const Table& t, const std::string& field) {
  auto it = t.column.find(field);
  if (it == t.column.end() || it->second >= r.fields.size()) return {};
  return clean_cell(r.fields[it->second]);
}

}  // namespace

std::map<std::string, std::string> parse_column_map(const std::string& text, const std::vector<std::string>& fields) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    std::string pair = text.substr(pos, comma - pos);
    auto eq = pair.find('=');
    std::string field = eq == std::string::npos ? "" : pair.substr(0, eq);
    if (eq == std::string::npos || eq + 1 >= pair.size() || std::find(fields.begin(), fields.end(), field) == fields.end()) {
      std::string list;
      for (const auto& f : fields) list += (list.empty() ? "" : ", ") + f;
      throw Error(ErrorKind::usage, fmt::format("--columns '{}'", printable(pair)), "is not FIELD=HEADER",
                  fmt::format("fields: {}; such as --columns ref=Refund No,amount=Amount", list));
    }
    out[field] = pair.substr(eq + 1);
    pos = comma + 1;
  }
  return out;
}

std::string decode_text(const std::string& raw, const std::string& encoding, const std::string& display_path) {
  std::string text = raw;
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  std::string enc = lower(encoding);
  bool utf8_ok = !find_invalid_utf8(text).has_value();
  if (enc == "utf-8" || enc == "utf8" || (enc == "auto" && utf8_ok)) {
    if (!utf8_ok)
      throw Error(ErrorKind::bad_data, display_path, "is not valid UTF-8", "try --encoding gbk for files from Chinese banks");
    return text;
  }
  if (enc != "gbk" && enc != "gb18030" && enc != "auto")
    throw Error(ErrorKind::usage, fmt::format("--encoding {}", encoding), "is not supported", "use utf-8, gbk or auto");
  UErrorCode status = U_ZERO_ERROR;
  std::string out(text.size() * 2 + 16, '\0');
  int32_t n = ucnv_convert("UTF-8", "GB18030", out.data(), static_cast<int32_t>(out.size()), text.data(),
                           static_cast<int32_t>(text.size()), &status);
  if (U_FAILURE(status))
    throw Error(ErrorKind::bad_data, display_path, "is neither UTF-8 nor GBK", "convert the file to UTF-8 and give --encoding utf-8");
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::pair<bool, std::string>> clean_amount(const std::string& text) {
  std::string s = clean_cell(text);
  bool negative = false;
  if (s.size() >= 2 && s.front() == '(' && s.back() == ')') {
    negative = true;
    s = s.substr(1, s.size() - 2);
  }
  for (const char* sign : {"CN¥", "RMB", "CNY", "USD", "EUR", "JPY", "US$", "¥", "￥", "$", "€", "£"}) {
    std::string_view sv = sign;
    if (s.starts_with(sv)) s.erase(0, sv.size());
    if (s.ends_with(sv)) s.erase(s.size() - sv.size());
    s = clean_cell(s);
  }
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = negative != (s[0] == '-');
    s.erase(0, 1);
  }
  s = clean_cell(s);
  if (!s.empty() && (s[0] == '-')) {  // "¥-20.00"
    negative = !negative;
    s.erase(0, 1);
  }
  std::string digits;
  for (char c : s) {
    if (c == ',' || c == ' ') continue;
    if ((c < '0' || c > '9') && c != '.') return std::nullopt;
    digits += c;
  }
  if (digits.empty()) return std::nullopt;
  return std::make_pair(negative, digits);
}

std::map<std::string, std::size_t> ReconcileReport::counts() const {
  std::map<std::string, std::size_t> c;
  for (const auto& i : items) ++c[i.outcome];
  return c;
}

bool ReconcileReport::differs() const {
  return std::any_of(items.begin(), items.end(), [](const ReconcileItem& i) { return i.outcome != "matched"; });
}

ReconcileReport reconcile_refunds(const std::vector<Case>& cases, const std::string& raw, const std::string& display_path,
                                  const ReconcileOptions& o) {
  ReconcileReport report;
  report.kind = "refunds";
  std::string text = decode_text(raw, o.encoding, display_path);
  Table t = locate_table(text, display_path, o, {"ref", "amount", "currency", "case"}, "ref");
  if (!t.column.contains("amount"))
    throw Error(ErrorKind::bad_data, display_path, "no header row names the amount column",
                "map it with --columns amount=HEADER");
  report.file_rows = t.rows.size();
  report.ignored_lines = t.ignored;

  struct LedgerRefund {
    std::string ref, case_id, currency;
    Money amount;
    bool used = false;
  };
  std::vector<LedgerRefund> ledger;
  std::map<std::string, std::size_t> by_ref;
  for (const auto& c : cases)
    for (const auto& r : c.refunds) {
      if (o.since && r.when < *o.since) continue;
      if (o.until && r.when >= *o.until) continue;
      if (by_ref.contains(r.ref)) {
        report.items.push_back({"duplicate-in-ledger", r.ref, c.id, r.amount.str(), "", r.currency, "", 0,
                                fmt::format("also on {}", ledger[by_ref[r.ref]].case_id)});
        continue;
      }
      by_ref[r.ref] = ledger.size();
      ledger.push_back({r.ref, c.id, r.currency.empty() ? c.currency : r.currency, r.amount});
    }

  std::set<std::string> seen_refs;
  for (const auto& row : t.rows) {
    ReconcileItem item;
    item.line = row.line;
    item.ref = cell(row, t, "ref");
    item.case_id = cell(row, t, "case");
    item.file_currency = cell(row, t, "currency");
    std::string amount_text = cell(row, t, "amount");
    item.file_value = amount_text;
    if (!seen_refs.insert(item.ref).second) {
      item.outcome = "duplicate-in-file";
      item.note = "the same reference appears earlier in the file";
      report.items.push_back(item);
      continue;
    }
    auto cleaned = clean_amount(amount_text);
    LedgerRefund* match = nullptr;
    auto it = by_ref.find(item.ref);
    if (it != by_ref.end()) match = &ledger[it->second];
    if (!match && !item.case_id.empty()) {
      for (auto& l : ledger)
        if (!l.used && l.case_id == item.case_id && cleaned && l.amount.str() == cleaned->second) {
          match = &l;
          item.note = fmt::format("matched by case; the ledger's reference is {}", l.ref);
          break;
        }
    }
    if (!cleaned) {
      item.outcome = "unreadable";
      item.note = "the amount is not a number";
      if (match) match->used = true;
      report.items.push_back(item);
      continue;
    }
    bool negative = cleaned->first != o.negate;
    if (!match) {
      item.outcome = "missing-in-ledger";
      item.note = "the file has a refund the ledger never recorded";
      report.items.push_back(item);
      continue;
    }
    LedgerRefund* m = match;
    m->used = true;
    item.case_id = m->case_id;
    item.currency = m->currency;
    item.ledger_value = m->amount.str();
    if (!item.file_currency.empty() && item.file_currency != m->currency) {
      item.outcome = "currency-mismatch";
      report.items.push_back(item);
      continue;
    }
    std::optional<Money> file_amount;
    try {
      file_amount = Money::parse(cleaned->second, currency_minor_digits(m->currency));
    } catch (const Error&) {
    }
    if (negative) {
      item.outcome = "amount-mismatch";
      item.note = o.negate ? "a positive amount where the file writes refunds as negatives" : "a negative amount (use --negate when the file writes refunds as negatives)";
    } else if (!file_amount || *file_amount != m->amount) {
      item.outcome = "amount-mismatch";
    } else {
      item.outcome = "matched";
    }
    report.items.push_back(item);
  }
  for (const auto& l : ledger)
    if (!l.used)
      report.items.push_back({"missing-in-file", l.ref, l.case_id, l.amount.str(), "", l.currency, "", 0,
                              "the ledger recorded a refund the file does not have"});
  return report;
}

ReconcileReport reconcile_receipts(const std::vector<Case>& cases, const std::string& raw, const std::string& display_path,
                                   const ReconcileOptions& o) {
  ReconcileReport report;
  report.kind = "receipts";
  std::string text = decode_text(raw, o.encoding, display_path);
  Table t = locate_table(text, display_path, o, {"case", "sku", "qty"}, "case");
  if (!t.column.contains("qty"))
    throw Error(ErrorKind::bad_data, display_path, "no header row names the qty column", "map it with --columns qty=HEADER");
  report.file_rows = t.rows.size();
  report.ignored_lines = t.ignored;

  struct Receipt {
    std::string case_id, sku;
    std::int64_t qty;
    bool used = false;
  };
  std::map<std::string, Receipt> ledger;
  for (const auto& c : cases)
    for (const auto* e : c.events) {
      if (e->event.action != "receive") continue;
      if (o.since && e->when < *o.since) continue;
      if (o.until && e->when >= *o.until) continue;
      std::int64_t qty = 0;
      for (char ch : e->event.get("qty"))
        if (ch >= '0' && ch <= '9') qty = qty * 10 + (ch - '0');
      ledger[c.id] = {c.id, c.sku, qty};  // the last receipt of a case stands
    }
  std::set<std::string> seen;
  for (const auto& row : t.rows) {
    ReconcileItem item;
    item.line = row.line;
    item.case_id = cell(row, t, "case");
    if (!parse_case_id(item.case_id)) {  // a total or other summary line after the table
      ++report.ignored_lines;
      --report.file_rows;
      continue;
    }
    std::string sku = cell(row, t, "sku");
    std::string qty = cell(row, t, "qty");
    item.file_value = sku.empty() ? qty : sku + " × " + qty;
    if (!seen.insert(item.case_id).second) {
      item.outcome = "duplicate-in-file";
      item.note = "the same case appears earlier in the file";
      report.items.push_back(item);
      continue;
    }
    auto it = ledger.find(item.case_id);
    if (it == ledger.end()) {
      item.outcome = "missing-in-ledger";
      item.note = "the warehouse logged goods the ledger never received";
      report.items.push_back(item);
      continue;
    }
    it->second.used = true;
    item.ledger_value = it->second.sku + " × " + std::to_string(it->second.qty);
    if (!sku.empty() && sku != it->second.sku) item.outcome = "sku-mismatch";
    else if (qty != std::to_string(it->second.qty)) item.outcome = "qty-mismatch";
    else item.outcome = "matched";
    report.items.push_back(item);
  }
  for (const auto& [id, r] : ledger)
    if (!r.used)
      report.items.push_back({"missing-in-file", "", id, r.sku + " × " + std::to_string(r.qty), "", "", "", 0,
                              "the ledger recorded a receipt the warehouse log does not have"});
  return report;
}

}  // namespace rma
