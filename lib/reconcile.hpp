// `rma reconcile`: ledger refunds against a payment processor's settlement file, and
// receive events against a warehouse's receipt log. Real exports are messy, and they are
// read as they come: summary lines before and after the table, GBK or UTF-8 with a BOM,
// values prefixed with a backtick or a tab (spreadsheets keeping long numbers intact),
// amounts with thousands separators or currency signs, refunds as negative amounts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cases.hpp"

namespace rma {

struct ReconcileOptions {
  std::string encoding = "auto";  // auto (UTF-8, else GBK), utf-8, gbk
  int skip_lines = 0;             // lines to drop before looking for the header
  std::map<std::string, std::string> columns;  // field (ref, amount, currency, case, sku, qty) -> header
  bool negate = false;            // the file writes refunds as negative amounts
  char delimiter = ',';
  std::optional<Instant> since, until;  // which ledger events the file covers
};

// Parses "--columns ref=Ref No,amount=Amount" (Error usage when malformed).
std::map<std::string, std::string> parse_column_map(const std::string& text, const std::vector<std::string>& fields);

struct ReconcileItem {
  std::string outcome;  // matched, missing-in-file, missing-in-ledger, amount-mismatch, currency-mismatch,
                        // sku-mismatch, qty-mismatch, duplicate-in-file, duplicate-in-ledger, unreadable
  std::string ref;
  std::string case_id;
  std::string ledger_value;  // amount (or sku/qty) as the ledger has it
  std::string file_value;    // as the file has it
  std::string currency;      // ledger currency (refunds)
  std::string file_currency;
  int line = 0;              // line in the file, 0 when the item is only in the ledger
  std::string note;
};

struct ReconcileReport {
  std::string kind;  // refunds or receipts
  std::vector<ReconcileItem> items;
  std::size_t file_rows = 0;
  std::size_t ignored_lines = 0;  // summary lines before and after the table
  std::map<std::string, std::size_t> counts() const;
  bool differs() const;  // anything but matched
};

// The file's text as UTF-8 (a BOM dropped, GBK converted). Error(bad_data) when it is
// neither.
std::string decode_text(const std::string& raw, const std::string& encoding, const std::string& display_path);

// "¥1,999.00", "-1999", "(1,999.00)", "CNY 1999.00", "`1999.00" -> the amount and its sign.
std::optional<std::pair<bool, std::string>> clean_amount(const std::string& text);

ReconcileReport reconcile_refunds(const std::vector<Case>& cases, const std::string& raw, const std::string& display_path,
                                  const ReconcileOptions& options);
ReconcileReport reconcile_receipts(const std::vector<Case>& cases, const std::string& raw, const std::string& display_path,
                                   const ReconcileOptions& options);

}  // namespace rma
