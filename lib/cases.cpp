#include "cases.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <map>
#include <set>
#include <string_view>

#include "parallel.hpp"
#include "text.hpp"

namespace rma {

namespace {

struct StateName {
  State state;
  const char* name;
};
constexpr StateName kStates[] = {
    {State::opened, "opened"},       {State::waiting_info, "waiting-info"},
    {State::approved, "approved"},   {State::returning, "returning"},
    {State::received, "received"},   {State::partially_refunded, "partially-refunded"},
    {State::refunded, "refunded"},   {State::repaired, "repaired"},
    {State::sent, "sent"},           {State::rejected, "rejected"},
    {State::cancelled, "cancelled"}, {State::closed, "closed"},
};

std::optional<Money> money_of(std::string_view text, const std::string& currency) {
  if (text.empty()) return std::nullopt;
  try {
    return Money::parse(text, is_currency_code(currency) ? currency_minor_digits(currency) : 2);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::optional<std::int64_t> int_of(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::string state_name(State s) {
  for (const auto& n : kStates)
    if (n.state == s) return n.name;
  return "?";
}

std::optional<State> parse_state(std::string_view text) {
  for (const auto& n : kStates)
    if (text == n.name) return n.state;
  return std::nullopt;
}

std::vector<std::string> all_state_names() {
  std::vector<std::string> out;
  for (const auto& n : kStates) out.emplace_back(n.name);
  return out;
}

bool Case::goods_come_back() const {
  if (kind == CaseKind::complaint || keep_goods) return false;
  return resolution != "compensation" && resolution != "none";
}

Money Case::remaining() const {
  Money owe = owed.value_or(Money::from_minor(0, refunded.digits()));
  return owe - refunded - deducted;
}

namespace {

// Which events stand: resolves discard fork branches (and everything built on them).
void select_branches(const std::vector<const StoredEvent*>& events, Case& c) {
  // Seqs strictly rising (nearly every case): no fork, no line twice, every event stands.
  if (std::adjacent_find(events.begin(), events.end(), [](const StoredEvent* a, const StoredEvent* b) {
        return b->event.seq <= a->event.seq;
      }) == events.end()) {
    c.events = events;
    return;
  }
  std::map<std::uint32_t, std::vector<const StoredEvent*>> by_seq;
  for (const auto* e : events) {
    auto& group = by_seq[e->event.seq];
    bool duplicate = std::any_of(group.begin(), group.end(), [&](const StoredEvent* g) {
      return g->event.hash == e->event.hash && g->body == e->body;  // the same line twice
    });
    if (!duplicate) group.push_back(e);
  }
  bool any_fork = std::any_of(by_seq.begin(), by_seq.end(), [](const auto& kv) { return kv.second.size() > 1; });
  if (!any_fork) {
    for (const auto& [seq, group] : by_seq) c.events.push_back(group.front());
    return;
  }
  // Link each event to its parent through the chain; a resolve may chain to any earlier event.
  std::map<const StoredEvent*, const StoredEvent*> parent;
  std::vector<const StoredEvent*> ordered;
  for (const auto& [seq, group] : by_seq)
    for (const auto* e : group) ordered.push_back(e);
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    const StoredEvent* e = ordered[i];
    for (std::size_t j = i; j-- > 0;) {
      const StoredEvent* p = ordered[j];
      if (!e->event.is("resolve") && p->event.seq + 1 != e->event.seq) continue;
      if (chain_hash(p->event.hash, e->body) == e->event.hash) {
        parent[e] = p;
        break;
      }
    }
  }
  std::set<std::string> discarded_hashes;
  for (const auto* e : ordered)
    if (e->event.is("resolve")) {
      std::string list = e->event.get("discard");
      std::size_t pos = 0;
      while (pos <= list.size()) {
        std::size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        if (comma > pos) discarded_hashes.insert(list.substr(pos, comma - pos));
        pos = comma + 1;
      }
    }
  auto is_discarded = [&](const StoredEvent* e) {
    for (const StoredEvent* x = e; x; x = parent.contains(x) ? parent[x] : nullptr)
      if (discarded_hashes.contains(x->event.hash)) return true;
    return false;
  };
  for (const auto& [seq, group] : by_seq) {
    std::vector<const StoredEvent*> standing;
    for (const auto* e : group) (is_discarded(e) ? c.discarded : standing).push_back(e);
    if (standing.empty()) continue;
    if (standing.size() > 1 && !c.forked) {
      c.forked = true;
      for (const auto* e : standing) c.fork_heads.push_back(e->event.hash);
    }
    c.events.push_back(standing.front());
  }
}

// One standing event, as it reads after corrections (`e`, at `when`), applied to the case.
void apply_event(Case& c, const StoredEvent* stored, const Event& e, Instant when) {
  c.last_seq = std::max(c.last_seq, e.seq);
  c.last_when = std::max(c.last_when, when);
  std::string_view a = e.action;
  if (a == "open") {
    c.kind = parse_kind(e.value("kind")).value_or(CaseKind::complaint);
    c.order = e.value("order");
    c.customer = e.value("customer");
    c.sku = e.value("sku");
    c.category = e.value("category");
    c.reason = e.value("reason");
    c.channel = e.value("channel");
    c.currency = e.value("currency");
    c.policy_ref = e.value("policy");
    c.ext = e.value("ext");
    c.note = e.value("note");
    c.qty = int_of(e.value("qty")).value_or(1);
    c.priority = !e.value("priority").empty();
    c.override_ = !e.value("override").empty();
    c.delivered = parse_stored_time(e.value("delivered"));
    c.paid = money_of(e.value("paid"), c.currency);
    c.opened = when;
    c.opened_by = e.by;
    int digits = is_currency_code(c.currency) ? currency_minor_digits(c.currency) : 2;
    c.refunded = c.deducted = c.freight_cost = Money::from_minor(0, digits);
    c.state = State::opened;
  } else if (a == "review") {
    std::string_view decision = e.value("decision");
    if (decision == "approve") {
      c.resolution = e.value("resolution");
      c.owed = money_of(e.value("amount"), c.currency);
      if (!c.owed)
        c.owed = c.resolution == "refund" && c.paid ? *c.paid : Money::from_minor(0, c.refunded.digits());
      if (c.currency.empty() && is_currency_code(e.value("currency"))) {
        // A complaint records no payment at open: its currency comes with the approval.
        c.currency = e.value("currency");
        int digits = currency_minor_digits(c.currency);
        c.refunded = c.deducted = c.freight_cost = Money::from_minor(0, digits);
        c.owed = money_of(e.value("amount"), c.currency);
        if (!c.owed) c.owed = Money::from_minor(0, digits);
      }
      c.freight = e.value("freight");
      c.keep_goods = !e.value("keep_goods").empty();
      c.state = State::approved;
    } else if (decision == "reject") {
      c.reject_reason = e.value("why");
      c.state = State::rejected;
    } else if (decision == "need-info") {
      c.state = State::waiting_info;
    }
  } else if (a == "ship") {
    if (auto cost = money_of(e.value("cost"), c.currency)) c.freight_cost += *cost;
    c.state = e.value("direction") == "replacement" ? State::sent : State::returning;
  } else if (a == "receive") {
    c.received_qty = int_of(e.value("qty")).value_or(0);
    c.damaged_qty = int_of(e.value("damaged")).value_or(0);
    c.condition = e.value("condition");
    c.disposition = e.value("disposition");
    c.state = State::received;
  } else if (a == "repair") {
    c.state = State::repaired;
  } else if (a == "refund") {
    Money amount = money_of(e.value("amount"), c.currency).value_or(Money::from_minor(0, c.refunded.digits()));
    Money deductions = Money::from_minor(0, c.refunded.digits());
    for (const auto& f : e.fields)
      if (f.key.starts_with("deduct_"))
        if (auto d = money_of(f.value, c.currency)) deductions += *d;
    c.refunded += amount;
    c.deducted += deductions;
    c.refunds.push_back({std::string(e.value("ref")), amount, deductions, std::string(e.value("currency")),
                         std::string(e.value("method")), when});
    c.state = c.remaining().minor() <= 0 ? State::refunded : State::partially_refunded;
    if (c.state == State::refunded) c.completing_refunds.push_back(stored);
  } else if (a == "escalate") {
    c.escalated = true;
  } else if (a == "cancel") {
    c.state = State::cancelled;
  } else if (a == "close") {
    c.before_close = c.state;
    c.satisfaction = int_of(e.value("satisfaction"));
    c.state = State::closed;
  } else if (a == "reopen") {
    c.state = State::opened;
    c.resolution.clear();
    c.owed.reset();
    c.keep_goods = false;
    c.satisfaction.reset();
  }
}

}  // namespace

Case replay_case(const std::vector<const StoredEvent*>& all) {
  Case c;
  if (all.empty()) return c;
  c.id = all.front()->event.case_id;
  if (auto site = case_id_site(c.id)) c.site = *site;
  select_branches(all, c);

  // Corrections first: `correct of=N set_key=value` changes what event N says.
  std::map<std::uint32_t, std::map<std::string, std::string>> corrections;
  for (const auto* e : c.events) {
    if (!e->event.is("correct")) continue;
    auto of = int_of(e->event.value("of"));
    if (!of) continue;
    for (const auto& f : e->event.fields)
      if (f.key.starts_with("set_")) corrections[static_cast<std::uint32_t>(*of)][f.key.substr(4)] = f.value;
  }

  for (const auto* stored : c.events) {
    // Only a corrected event is copied (with its corrections applied).
    std::optional<Event> corrected_copy;
    if (auto it = corrections.find(stored->event.seq); it != corrections.end()) {
      corrected_copy = stored->event;
      for (const auto& [k, v] : it->second) corrected_copy->set(k, v);
    }
    const Event& e = corrected_copy ? *corrected_copy : stored->event;
    Instant when = stored->when;
    if (auto corrected = corrections.find(e.seq); corrected != corrections.end() && corrected->second.contains("at"))
      if (auto t = parse_stored_time(e.value("at"))) when = *t;
    apply_event(c, stored, e, when);
  }
  return c;
}

std::optional<State> state_after(const Case& c, const StoredEvent& next) {
  const Event& e = next.event;
  // A correction or a resolve changes what earlier events say or which of them stand.
  if (e.is("correct") || e.is("resolve")) return std::nullopt;
  if (e.is("note") || e.is("contact") || e.is("escalate")) return c.state;  // they change no state
  // Otherwise only an event that follows the last of a plain case: in a case with a fork, a
  // discarded branch or a correction, which events stand and what they say is the replay's.
  if (c.events.empty() || c.forked || !c.discarded.empty() || e.seq != c.last_seq + 1) return std::nullopt;
  if (std::any_of(c.events.begin(), c.events.end(), [](const StoredEvent* s) { return s->event.is("correct"); }))
    return std::nullopt;
  Case after = c;
  apply_event(after, &next, e, next.when);
  return after.state;
}

namespace {

// Where each case's events start in ledger.events, and one past the last.
std::vector<std::size_t> case_starts(const Ledger& ledger) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < ledger.events.size(); ++i)
    if (i == 0 || ledger.events[i].event.case_id != ledger.events[i - 1].event.case_id) starts.push_back(i);
  starts.push_back(ledger.events.size());
  return starts;
}

// The events of the c-th case.
std::vector<const StoredEvent*> case_group(const Ledger& ledger, const std::vector<std::size_t>& starts, std::size_t c) {
  std::vector<const StoredEvent*> group;
  for (std::size_t j = starts[c]; j < starts[c + 1]; ++j) group.push_back(&ledger.events[j]);
  return group;
}

}  // namespace

std::vector<CaseView> view_all(const Ledger& ledger, PolicyCache& policies, Instant now) {
  std::vector<std::size_t> starts = case_starts(ledger);
  std::size_t cases = starts.size() - 1;
  std::vector<CaseView> views(cases);
  on_each(
      cases,
      [&](std::size_t c) { views[c] = view_case(replay_case(case_group(ledger, starts, c)), policies, now); },
      {}, kCasesPerBatch);
  return views;
}

std::vector<Case> replay_all(const Ledger& ledger) {
  std::vector<std::size_t> starts = case_starts(ledger);
  std::vector<Case> out;
  for (std::size_t c = 0; c + 1 < starts.size(); ++c) out.push_back(replay_case(case_group(ledger, starts, c)));
  return out;
}

namespace {

// The actions allowed now, as literals: require_allowed asks on every write (an import's
// every row), and needs no strings made for it.
struct Allowed {
  std::array<std::string_view, 12> names;
  std::size_t size = 0;
  const std::string_view* begin() const { return names.data(); }
  const std::string_view* end() const { return names.data() + size; }
  bool contains(std::string_view a) const { return std::find(begin(), end(), a) != end(); }
};

Allowed allowed_now(const Case& c) {
  Allowed out;
  auto add = [&](std::string_view a) { out.names.at(out.size++) = a; };
  if (c.forked) {  // DESIGN §3: every writer but resolve waits for the fork to be settled
    add("resolve");
    return out;
  }
  switch (c.state) {
    case State::opened:
      add("review --approve"); add("review --reject"); add("review --need-info"); add("cancel");
      break;
    case State::waiting_info:
      add("review --approve"); add("review --reject"); add("cancel");
      break;
    case State::approved:
      if (c.goods_come_back()) { add("ship --return"); add("receive"); }
      if (!c.goods_come_back() && (c.resolution == "refund" || c.resolution == "compensation")) add("refund");
      if (c.resolution == "repair") add("repair");
      if (c.resolution == "exchange" || c.resolution == "repair") add("ship --replacement");
      if (c.resolution == "none") add("close");
      add("cancel");
      break;
    case State::returning:
      add("ship --return"); add("receive"); add("cancel");
      break;
    case State::received:
      if (c.resolution == "refund" || c.resolution == "compensation") add("refund");
      if (c.resolution == "repair") add("repair");
      if (c.resolution == "exchange" || c.resolution == "repair") add("ship --replacement");
      add("review --reject");
      break;
    case State::partially_refunded:
      add("refund"); add("close --why");
      break;
    case State::refunded:
    case State::sent:
    case State::repaired:
      if (c.state == State::repaired) add("ship --replacement");
      add("close");
      break;
    case State::rejected:
      add("close"); add("reopen");
      break;
    case State::cancelled:
    case State::closed:
      add("reopen");
      break;
  }
  if (c.state != State::closed) { add("contact"); add("escalate"); }
  add("note");
  add("correct");
  return out;
}

}  // namespace

std::vector<std::string> allowed_actions(const Case& c) {
  Allowed allowed = allowed_now(c);
  return {allowed.begin(), allowed.end()};
}

void require_allowed(const Case& c, const std::string& action, const std::string& variant, bool has_why) {
  std::string wanted = variant.empty() ? action : action + " --" + variant;
  Allowed allowed = allowed_now(c);
  bool ok = allowed.contains(wanted);
  if (!ok && action == "close" && has_why) ok = allowed.contains("close --why");
  if (!ok && action == "resolve") ok = c.forked;
  if (ok && c.forked && action != "resolve") ok = false;
  if (ok) return;
  std::string list;
  for (std::string_view a : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", a);
  if (c.forked)
    throw Error(ErrorKind::conflict, fmt::format("case {}", c.id),
                "has an unresolved fork: two sites recorded different events with the same seq",
                fmt::format("decide which stands: `rma show {}` lists the branches, then `rma resolve {} --keep HASH "
                            "--why TEXT`",
                            c.id, c.id));
  std::string why = fmt::format("'{}' is not allowed while the case is {}", wanted, state_name(c.state));
  if (c.state == State::approved && !c.resolution.empty())
    why += fmt::format(" (resolution {}{})", c.resolution, c.keep_goods ? ", goods kept" : "");
  throw Error(ErrorKind::conflict, fmt::format("case {}", c.id), why, "allowed now: " + list);
}

// ---------------------------------------------------------------------------------------
// SLAs

std::string sla_state_name(SlaState s) {
  switch (s) {
    case SlaState::met: return "met";
    case SlaState::breached: return "breached";
    case SlaState::running: return "running";
    case SlaState::paused: return "paused";
  }
  return "?";
}

namespace {

struct Clock {
  Instant start{};
  std::optional<Instant> stop;
  std::vector<std::pair<Instant, std::optional<Instant>>> pauses;
};

}  // namespace

std::vector<SlaStatus> compute_slas(const Case& c, const Policy& policy, Instant now) {
  // The targets by their place in kSlaTargets (a replay starts and stops a dozen clocks).
  static constexpr std::size_t first_contact = sla_target_index("first_contact"), review = sla_target_index("review"),
                               intake = sla_target_index("intake"), refund = sla_target_index("refund"),
                               complaint_response = sla_target_index("complaint_response"),
                               resolution_target = sla_target_index("resolution"),
                               follow_up = sla_target_index("follow_up");
  static_assert(std::max({first_contact, review, intake, refund, complaint_response, resolution_target, follow_up}) <
                kSlaTargetCount);
  // The clocks in the order they first started (a handful: a flat list, found by target).
  struct Named {
    std::size_t target;
    Clock clock;
  };
  std::vector<Named> clocks;
  auto find = [&](std::size_t target) -> Clock* {
    for (auto& n : clocks)
      if (n.target == target) return &n.clock;
    return nullptr;
  };
  bool paused = false;
  auto start = [&](std::size_t target, Instant t) {
    if (!policy.sla_target(target, c.priority)) return;
    Clock* clock = find(target);
    if (!clock) {
      if (clocks.empty()) clocks.reserve(kSlaTargetCount);
      clock = &clocks.emplace_back(Named{target, {}}).clock;
    }
    *clock = Clock{t, std::nullopt, {}};
    if (paused) clock->pauses.emplace_back(t, std::nullopt);
  };
  auto stop = [&](std::size_t target, Instant t) {
    Clock* clock = find(target);
    if (clock && !clock->stop) clock->stop = t;
  };
  auto set_paused = [&](bool on, Instant t) {
    if (on == paused) return;
    paused = on;
    for (auto& [name, clock] : clocks) {
      if (clock.stop) continue;
      if (on) clock.pauses.emplace_back(t, std::nullopt);
      else if (!clock.pauses.empty() && !clock.pauses.back().second) clock.pauses.back().second = t;
    }
  };
  auto open_clocks = [&](Instant t, std::string_view channel) {
    bool in_person = channel == "phone" || channel == "store";
    if (c.kind == CaseKind::complaint) {
      start(complaint_response, t);
      start(resolution_target, t);
      if (in_person) stop(complaint_response, t);
    } else {
      start(first_contact, t);
      start(review, t);
      if (in_person) stop(first_contact, t);
    }
  };

  // Replay the facts that move clocks, in the order the case lived them.
  std::string resolution;
  bool keep_goods = false;
  for (const StoredEvent* stored : c.events) {
    const Event& e = stored->event;
    Instant t = stored->when;
    std::string_view a = e.action;
    if (a == "open") {
      open_clocks(t, e.value("channel"));
    } else if (a == "contact") {
      stop(first_contact, t);
      stop(complaint_response, t);
      stop(follow_up, t);
    } else if (a == "review") {
      std::string_view decision = e.value("decision");
      if (decision == "need-info") {
        set_paused(true, t);
        continue;
      }
      set_paused(false, t);
      stop(review, t);
      stop(resolution_target, t);
      if (decision == "approve") {
        resolution = e.value("resolution");
        keep_goods = !e.value("keep_goods").empty();
        bool goods_back = c.kind != CaseKind::complaint && !keep_goods && resolution != "compensation" && resolution != "none";
        if (!goods_back && (resolution == "refund" || resolution == "compensation")) start(refund, t);
        if (resolution == "none") start(follow_up, t);
      }
    } else if (a == "receive") {
      Instant arrived = parse_stored_time(e.value("arrived")).value_or(t);
      if (policy.sla_target(intake, c.priority)) {
        start(intake, arrived);
        stop(intake, e.recorded);
      }
      if (resolution == "refund" || resolution == "compensation") start(refund, t);
    } else if (a == "refund") {
      // The refund that completes the amount owed stops the clock.
      if (std::find(c.completing_refunds.begin(), c.completing_refunds.end(), stored) != c.completing_refunds.end()) {
        stop(refund, t);
        start(follow_up, t);
      }
    } else if (a == "ship") {
      if (e.value("direction") == "replacement") start(follow_up, t);
    } else if (a == "repair") {
      start(follow_up, t);
    } else if (a == "close" || a == "cancel") {
      stop(follow_up, t);
      for (auto& [name, clock] : clocks)
        if (!clock.stop) clock.stop = t;
      set_paused(false, t);
    } else if (a == "reopen") {
      clocks.clear();
      paused = false;
      open_clocks(t, "");
    }
  }

  std::vector<SlaStatus> out;
  out.reserve(clocks.size());
  for (const auto& [target, clock] : clocks) {
    SlaStatus s;
    s.target = kSlaTargets[target];
    s.duration = *policy.sla_target(target, c.priority);
    s.start = clock.start;
    s.stop = clock.stop;
    s.due = policy.calendar.deadline(clock.start, s.duration);
    // Time spent waiting for the customer does not count: push the due date back by it,
    // in the target's own kind of time.
    for (const auto& [p0, p1] : clock.pauses) {
      Instant end = p1 ? *p1 : (clock.stop ? *clock.stop : now);
      if (p0 >= s.due.at || end <= p0) continue;
      if (s.duration.is_business())
        s.due.at = policy.calendar.add_business_time(s.due.at, policy.calendar.business_between(p0, end));
      else
        s.due.at += end - p0;
    }
    bool is_paused = !clock.stop && !clock.pauses.empty() && !clock.pauses.back().second;
    if (clock.stop) {
      s.state = s.due.allows(*clock.stop) ? SlaState::met : SlaState::breached;
      if (s.state == SlaState::breached) s.late = *clock.stop - s.due.at;
    } else if (is_paused) {
      s.state = SlaState::paused;
    } else if (s.due.allows(now)) {
      s.state = SlaState::running;
      s.left = s.due.at - now;
    } else {
      s.state = SlaState::breached;
      s.late = now - s.due.at;
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace rma

namespace rma {

CaseView view_case(Case c, PolicyCache& policies, Instant now, bool windows) {
  CaseView v;
  v.policy = policies.get(c.policy_ref);
  if (v.policy) {
    if (windows && c.delivered && c.kind != CaseKind::complaint)
      v.windows = check_windows(*v.policy, c.kind, c.reason, *c.delivered, c.opened).windows;
    v.slas = compute_slas(c, *v.policy, now);
    for (const auto& s : v.slas) {
      if (s.stop) continue;
      if (s.state == SlaState::breached) v.overdue = true;
      if (s.state == SlaState::running && (!v.next_due || s.due.at < *v.next_due)) v.next_due = s.due.at;
    }
  }
  v.c = std::move(c);
  return v;
}

}  // namespace rma

namespace rma {

void CaseFilter::validate() const {
  for (const auto& s : states)
    if (!parse_state(s)) {
      std::string list;
      for (const auto& n : all_state_names()) list += (list.empty() ? "" : ", ") + n;
      auto suggestion = closest_match(s, all_state_names());
      throw Error(ErrorKind::usage, fmt::format("--state '{}'", printable(s)), "is not a state",
                  suggestion ? fmt::format("did you mean '{}'? states: {}", *suggestion, list) : "states: " + list);
    }
  for (const auto& k : kinds)
    if (!parse_kind(k))
      throw Error(ErrorKind::usage, fmt::format("--kind '{}'", printable(k)), "is not a kind",
                  "kinds: return, exchange, repair, complaint");
}

bool CaseFilter::matches(const Case& c) const {
  auto in = [](const std::vector<std::string>& list, const std::string& v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  if (!in(states, state_name(c.state)) || !in(kinds, kind_name(c.kind))) return false;
  if (!reason.empty() && c.reason != reason) return false;
  if (!sku.empty() && c.sku != sku) return false;
  if (!category.empty() && c.category != category) return false;
  if (!site.empty() && c.site != site) return false;
  if (!op.empty() &&
      std::none_of(c.events.begin(), c.events.end(), [&](const StoredEvent* e) { return e->event.by == op; }))
    return false;
  if (since && c.opened < *since) return false;
  if (until && c.opened >= *until) return false;
  return true;
}

}  // namespace rma
