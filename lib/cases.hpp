// The case lifecycle (DESIGN §3): states, which actions each state allows, and replaying a
// case's events (corrections and resolved forks included) into its current facts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger_store.hpp"
#include "money.hpp"
#include "policy.hpp"

namespace rma {

enum class State {
  opened,
  waiting_info,
  approved,
  returning,
  received,
  partially_refunded,
  refunded,
  repaired,
  sent,
  rejected,
  cancelled,
  closed
};

std::string state_name(State s);  // "waiting-info"
std::optional<State> parse_state(std::string_view text);
std::vector<std::string> all_state_names();

struct RefundRecord {
  std::string ref;
  Money amount;
  Money deductions;
  std::string currency;
  std::string method;
  Instant when{};
};

struct Case {
  std::string id;
  std::string site;  // the opening site, from the id
  CaseKind kind = CaseKind::return_;
  State state = State::opened;

  // from open (after corrections)
  std::string order, customer, sku, category, reason, channel, currency, policy_ref, ext, note;
  std::int64_t qty = 1;
  bool priority = false;
  bool override_ = false;
  std::optional<Instant> delivered;
  std::optional<Money> paid;
  Instant opened{};  // at or recorded of the open
  std::string opened_by;

  // from review
  std::string resolution;        // refund, exchange, repair, compensation, none
  std::optional<Money> owed;     // amount owed
  std::string freight;           // company, customer
  bool keep_goods = false;
  std::string reject_reason;

  // goods and money
  std::int64_t received_qty = 0, damaged_qty = 0;
  std::string condition, disposition;
  Money refunded, deducted;  // cumulative
  std::vector<RefundRecord> refunds;
  Money freight_cost;        // company-paid freight (ship --cost)
  // The refund events after which paid out + deductions reached the amount owed (they stop
  // the refund clock and start the follow-up; the first one ends the open -> refund cycle).
  std::vector<const StoredEvent*> completing_refunds;
  std::optional<std::int64_t> satisfaction;
  bool escalated = false;
  State before_close = State::opened;

  // the record
  std::vector<const StoredEvent*> events;  // the events that stand, in seq order
  std::vector<const StoredEvent*> discarded;  // fork branches a resolve discarded
  bool forked = false;                     // an unresolved fork
  std::vector<std::string> fork_heads;     // hashes of the unresolved fork's events
  std::uint32_t last_seq = 0;
  Instant last_when{};

  bool goods_come_back() const;
  bool is_open() const { return state != State::closed && state != State::cancelled && state != State::rejected; }
  Money remaining() const;  // owed - refunded - deducted
};

// Replays the events of one case (as Ledger::case_events gives them).
Case replay_case(const std::vector<const StoredEvent*>& events);

// The state of `c` once `next` (staged after its last event) is added: what replaying the
// case with it would give, without the replay. nullopt when only a replay can tell: `next`
// a correction or a resolve, or (unless `next` changes no state: a note, a contact, an
// escalation) a case with a fork, a discarded branch or a correction.
std::optional<State> state_after(const Case& c, const StoredEvent& next);

// Every case of a ledger, in case id order.
std::vector<Case> replay_all(const Ledger& ledger);

// The actions allowed in a case's current state, as an operator types them
// ("review --approve", "ship --return", "close").
std::vector<std::string> allowed_actions(const Case& c);

// Throws Error(conflict) naming the state and what is allowed, unless `action` (with
// `variant`, e.g. "approve" for review) is allowed now.
void require_allowed(const Case& c, const std::string& action, const std::string& variant, bool has_why = false);

// --- SLAs (DESIGN §3, "where each clock starts and stops") ---

enum class SlaState { met, breached, running, paused };
std::string sla_state_name(SlaState s);

struct SlaStatus {
  std::string_view target;  // first_contact, review, ...: one of kSlaTargets (static)
  Duration duration;
  Instant start{};
  std::optional<Instant> stop;
  Deadline due{};
  SlaState state = SlaState::running;
  Millis late{};   // breached: by how much (or how far past due, while running)
  Millis left{};   // running: time to due
};

// Every SLA clock of the case that has started, judged at `now` in the policy's calendar.
std::vector<SlaStatus> compute_slas(const Case& c, const Policy& policy, Instant now);

}  // namespace rma

namespace rma {

// What a reader shows about a case at `now`: its windows at open and its SLA clocks.
struct CaseView {
  Case c;
  const Policy* policy = nullptr;  // null when the policy version cannot be found
  std::vector<std::pair<std::string, Deadline>> windows;
  std::vector<SlaStatus> slas;
  bool overdue = false;               // an SLA is breached and its clock still runs
  std::optional<Instant> next_due;    // the earliest due of a running clock
};

// `windows`: false leaves CaseView::windows empty (a report does not show them).
CaseView view_case(Case c, PolicyCache& policies, Instant now, bool windows = true);

// Every case of a ledger replayed and viewed at `now`, in case id order, on every core.
std::vector<CaseView> view_all(const Ledger& ledger, PolicyCache& policies, Instant now);

}  // namespace rma

namespace rma {

// The filters of `rma list` and `rma export --cases`; all given ones must hold.
struct CaseFilter {
  std::vector<std::string> states, kinds;
  std::string reason, sku, category, site, op;
  std::optional<Instant> since, until;  // opened in [since, until)
  bool overdue = false;                 // needs a CaseView: see matches(const CaseView&)

  // Error(usage) for a state or kind that does not exist.
  void validate() const;
  bool matches(const Case& c) const;
  bool matches(const CaseView& v) const { return matches(v.c) && (!overdue || v.overdue); }
};

}  // namespace rma
