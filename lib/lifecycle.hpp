// Recording actions: every writer (typed at a shell or read from an import row) becomes an
// ActionRequest: the action, the case, and the command's long options by name. This module
// checks the values, the operator, the policy windows and the state machine, and stages
// exactly one event per request in the journal. The same rules serve `rma open` and
// `rma import`, so an imported row is judged exactly as if it had been typed.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "journal.hpp"
#include "policy.hpp"
#include "settings.hpp"

namespace rma {

struct ActionRequest {
  std::string action;    // open, review, ship, receive, repair, refund, contact, note, ...
  std::string case_ref;  // a case id, or ext:REF; empty for open
  // Long option names without dashes ("kind", "need-info", "keep-goods") and their values,
  // sorted by name; a flag holds "". A repeatable option (--evidence, --deduct, --set) has
  // an entry per value, in the order given. One flat vector, as a batch keeps a request per
  // row (a map of vectors cost four allocations a row more).
  std::vector<std::pair<std::string, std::string>> options;

  bool has(std::string_view name) const { return find(name) != nullptr; }
  const std::string* find(std::string_view name) const;   // the last value given; null when absent
  std::optional<std::string> get(std::string_view name) const;  // the same, copied
  std::vector<std::string> all(std::string_view name) const;    // every value given, in order
  void set(const std::string& name, std::string value);    // replaces any values given before
  void add(const std::string& name, std::string value);    // one value more
  void set_all(const std::string& name, const std::vector<std::string>& values);
};

// The options each action accepts (for import headers and for completions).
const std::vector<std::string>& action_options(const std::string& action);
const std::vector<std::string>& writer_actions();

struct WriteEnv {
  const Settings* settings = nullptr;
  const PolicySet* policies = nullptr;
  std::string by;  // the operator, already checked against rma.toml
  Instant now{};   // becomes `recorded`
  PolicyCache* versions = nullptr;  // policy versions already read (a batch reads each archive once)
};

struct ActionResult {
  std::string case_id;
  std::string action;
  bool already_recorded = false;  // an idempotent retry: nothing appended
  std::shared_ptr<const Appended> appended;  // the journal's
  std::string summary;                // one line for people: what happened
  std::vector<std::string> notices;   // things worth knowing (a policy frozen, goods used)
  std::string state;                  // the case's state afterwards
  // An open under a policy version not frozen yet: the caller freezes it (policies/archive/)
  // once every request of the command has passed its checks, before appending. Shared, not
  // held: a batch keeps a result per row.
  std::shared_ptr<const Policy> freeze;
};

// Checks one request against the journal's current view (ledger plus staged events) and
// stages its event. Throws Error with the exit kind of DESIGN §7; nothing is staged then.
ActionResult stage_action(Journal& journal, const ActionRequest& request, const WriteEnv& env);

// Finds a case by id or ext:REF in the journal's view; Error(usage) for a malformed id,
// Error(not_found) for an unknown one.
std::string resolve_case_ref(Journal& journal, const std::string& ref);

// Validation of free text, codes and names (DESIGN §2: limits, control characters, UTF-8).
void check_free_text(const std::string& option, const std::string& value);
void check_code(const std::string& option, const std::string& value);
void check_name(const std::string& option, const std::string& value);

}  // namespace rma
