// Return policies (DESIGN §4): policies/*.toml loaded strictly with toml++, selected for a
// case, frozen in policies/archive/ID@VERSION.toml the first time a case uses a version,
// and the window rules checked at open.
#pragma once

#include <boost/filesystem/path.hpp>

#include <array>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "calendar.hpp"
#include "money.hpp"

namespace rma {

inline constexpr const char* kSlaTargets[] = {"first_contact", "review", "intake", "refund",
                                              "complaint_response", "resolution", "follow_up"};
inline constexpr std::size_t kSlaTargetCount = std::size(kSlaTargets);
// A target's place in kSlaTargets; kSlaTargetCount for a name that is not one.
constexpr std::size_t sla_target_index(std::string_view name) {
  for (std::size_t i = 0; i < kSlaTargetCount; ++i)
    if (name == kSlaTargets[i]) return i;
  return kSlaTargetCount;
}

struct Policy {
  std::string id;
  std::int64_t version = 0;
  std::string description;
  std::string timezone;
  std::string currency;
  std::vector<std::string> applies_to;
  std::int64_t priority = 0;

  std::optional<Duration> return_window, exchange_window, defect_report, warranty;
  Counting counting = Counting::exact;

  std::vector<std::string> quality_reasons, other_reasons;
  std::vector<std::string> unused_required;
  std::string freight_quality = "company", freight_other = "customer";

  std::map<std::string, std::string> supervisor_over;  // currency -> amount text
  std::string overrides = "supervisor";                 // supervisor | operator | never
  Duration backdate_limit{24, DurationUnit::hours};

  // Each target's duration by its place in kSlaTargets (empty: the policy sets none), and
  // the overrides for --priority cases.
  using SlaDurations = std::array<std::optional<Duration>, kSlaTargetCount>;
  SlaDurations sla, sla_priority;

  // calendar
  std::vector<std::string> workdays;  // mon..sun
  std::vector<std::string> hours;     // "09:00-12:00"
  std::vector<std::string> holidays, extra_workdays;
  Calendar calendar;

  std::string file;  // workspace-relative source

  std::string ref() const { return id + "@" + std::to_string(version); }
  bool is_quality(const std::string& reason) const;
  bool knows_reason(const std::string& reason) const;
  std::optional<Duration> sla_target(std::string_view target, bool urgent) const;
  std::optional<Duration> sla_target(std::size_t target, bool urgent) const {  // by place in kSlaTargets
    return urgent && sla_priority[target] ? sla_priority[target] : sla[target];
  }
  // Whether an amount owed in `currency` needs a supervisor (a currency not listed always does).
  bool needs_supervisor(const Money& owed, const std::string& owed_currency) const;
};

// Parses a policy document strictly; Error(bad_data) with file:line:column otherwise.
Policy parse_policy(const std::string& display_path, const std::string& text);

// The canonical text frozen in the archive: depends only on the policy's content.
std::string archive_text(const Policy& policy);

struct PolicySet {
  std::vector<Policy> policies;

  const Policy* find(std::string_view id) const;
  // --policy ID, else the non-default policy whose applies_to matches the category (the
  // highest priority wins), else default. Error(not_found) for an unknown id.
  const Policy& select(const std::optional<std::string>& id, const std::string& category) const;
};

// Loads and validates every policies/*.toml; refuses duplicate ids, overlapping
// applies_to without distinct priorities, and a policy whose content differs from its
// archived version (changed without a version bump). All errors are Error(bad_data).
PolicySet load_policies(const boost::filesystem::path& root);

// For readers: the current policies, or none while a policy file is broken (readers judge
// cases by the frozen archive, so a bad edit to a policy does not stop show, list or report).
PolicySet load_policies_for_reading(const boost::filesystem::path& root);

// Writes policies/archive/ID@VERSION.toml if it is not there yet (call under the lock).
// Returns true when it wrote the file.
bool freeze_policy(const boost::filesystem::path& root, const Policy& policy);

// The policy a case was judged by: the archive of `ref` (id@version), else the current
// file when it still has that version. Error(not_found) when neither exists.
Policy load_policy_version(const boost::filesystem::path& root, const std::string& ref,
                           const PolicySet* current);

// --- the window rules at open ---

enum class CaseKind { return_, exchange, repair, complaint };
std::optional<CaseKind> parse_kind(std::string_view text);
std::string kind_name(CaseKind kind);

struct WindowVerdict {
  bool allowed = true;
  std::string window;        // the window that refused: return, exchange, warranty, defect_report
  Deadline deadline{};       // of that window
  Millis elapsed{};          // from delivery to the report
  std::vector<std::string> alternatives;  // what is still possible
  // Every window that applies to this kind and reason, with its deadline.
  std::vector<std::pair<std::string, Deadline>> windows;
};

// Is a case of `kind` for `reason`, delivered at `delivered` and reported at `reported`,
// within the policy's windows? Boundaries are inclusive to the millisecond.
WindowVerdict check_windows(const Policy& policy, CaseKind kind, const std::string& reason,
                            Instant delivered, Instant reported);

}  // namespace rma

namespace rma {

// The policies cases were judged by, each loaded once (archive first, see load_policy_version).
class PolicyCache {
 public:
  PolicyCache(boost::filesystem::path root, const PolicySet* current) : root_(std::move(root)), current_(current) {}
  // nullptr when the version cannot be found (the case is then shown without deadlines).
  // Safe to call from several threads.
  const Policy* get(const std::string& ref);

 private:
  static std::uint64_t next_serial();

  std::mutex mutex_;
  const std::uint64_t serial_ = next_serial();  // tells caches apart in a thread's last answer
  boost::filesystem::path root_;
  const PolicySet* current_;
  std::map<std::string, std::optional<Policy>> cache_;
};

}  // namespace rma
