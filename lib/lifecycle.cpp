#include "lifecycle.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <fmt/format.h>
#include <set>

#include "cases.hpp"
#include "text.hpp"

namespace rma {

namespace {

// The entries of option `name` in a request's sorted options.
struct ByName {
  bool operator()(const std::pair<std::string, std::string>& o, std::string_view name) const { return o.first < name; }
  bool operator()(std::string_view name, const std::pair<std::string, std::string>& o) const { return name < o.first; }
};

template <class Options>
auto entries_of(Options& options, std::string_view name) {
  return std::equal_range(options.begin(), options.end(), name, ByName{});
}

}  // namespace

const std::string* ActionRequest::find(std::string_view name) const {
  auto [from, to] = entries_of(options, name);
  return from == to ? nullptr : &std::prev(to)->second;
}

std::optional<std::string> ActionRequest::get(std::string_view name) const {
  if (const std::string* v = find(name)) return *v;
  return std::nullopt;
}

std::vector<std::string> ActionRequest::all(std::string_view name) const {
  std::vector<std::string> out;
  for (auto [it, to] = entries_of(options, name); it != to; ++it) out.push_back(it->second);
  return out;
}

void ActionRequest::set(const std::string& name, std::string value) {
  auto [from, to] = entries_of(options, name);
  options.emplace(options.erase(from, to), name, std::move(value));
}

void ActionRequest::add(const std::string& name, std::string value) {
  options.emplace(entries_of(options, name).second, name, std::move(value));
}

void ActionRequest::set_all(const std::string& name, const std::vector<std::string>& values) {
  auto [from, to] = entries_of(options, name);
  auto at = options.erase(from, to);
  for (const auto& v : values) at = std::next(options.emplace(at, name, v));
}

const std::vector<std::string>& writer_actions() {
  static const std::vector<std::string> actions = {"open",     "review", "ship",    "receive", "repair",
                                                   "refund",   "contact", "note",   "escalate", "correct",
                                                   "resolve",  "cancel", "close",   "reopen"};
  return actions;
}

const std::vector<std::string>& action_options(const std::string& action) {
  static const std::map<std::string, std::vector<std::string>> table = {
      {"open", {"kind", "order", "sku", "qty", "category", "reason", "delivered", "paid", "currency", "customer",
                "phone", "channel", "priority", "evidence", "note", "policy", "override", "ext"}},
      {"review", {"approve", "reject", "need-info", "resolution", "amount", "freight", "keep-goods", "why"}},
      {"ship", {"return", "replacement", "carrier", "tracking", "cost"}},
      {"receive", {"qty", "damaged", "condition", "disposition", "arrived", "note"}},
      {"repair", {"onsite", "workshop", "technician", "note"}},
      {"refund", {"amount", "ref", "method", "deduct", "currency", "note"}},
      {"contact", {"channel", "note"}},
      {"note", {"note"}},
      {"escalate", {"to", "why"}},
      {"correct", {"seq", "set", "why"}},
      {"resolve", {"keep", "why"}},
      {"cancel", {"why"}},
      {"close", {"satisfaction", "feedback", "why"}},
      {"reopen", {"why"}},
  };
  static const std::vector<std::string> none;
  auto it = table.find(action);
  return it == table.end() ? none : it->second;
}

// ---------------------------------------------------------------------------------------
// Value checks

namespace {

Error bad_value(const std::string& option, const std::string& value, std::string why, std::string hint) {
  std::string shown = value.size() > 60 ? printable(value.substr(0, 60)) + "…" : printable(value);
  return Error(ErrorKind::usage, fmt::format("--{} '{}'", option, shown), std::move(why), std::move(hint));
}

void check_utf8(const std::string& option, const std::string& value) {
  if (auto bad = find_invalid_utf8(value))
    throw Error(ErrorKind::usage, "--" + option, fmt::format("is not valid UTF-8 (byte {})", *bad + 1),
                "send text as UTF-8");
}

}  // namespace

void check_free_text(const std::string& option, const std::string& value) {
  check_utf8(option, value);
  if (value.size() > kMaxFreeTextBytes)
    throw Error(ErrorKind::usage, "--" + option, fmt::format("is {} bytes; free text is limited to 4,096", value.size()),
                "shorten the text; attach long documents as --evidence references");
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && ch != '\t' && ch != '\n') || c == 0x7F)
      throw bad_value(option, value, fmt::format("holds the control character {}", printable(std::string(1, ch))),
                      "free text may hold tabs and newlines, but no other control characters");
  }
}

void check_code(const std::string& option, const std::string& value) {
  check_utf8(option, value);
  if (value.empty()) throw Error(ErrorKind::usage, "--" + option, "is empty", "give a value");
  if (value.size() > kMaxCodeBytes)
    throw Error(ErrorKind::usage, "--" + option, fmt::format("is {} bytes; codes and references are limited to 128", value.size()),
                "check that the right value went into this option");
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F)
      throw bad_value(option, value, "holds whitespace or a control character",
                      "codes, ids and references are written without spaces");
  }
}

void check_name(const std::string& option, const std::string& value) {
  check_utf8(option, value);
  if (value.empty() || value.find_first_not_of(' ') == std::string::npos)
    throw Error(ErrorKind::usage, "--" + option, "is empty", "give a name");
  if (value.size() > kMaxCodeBytes)
    throw Error(ErrorKind::usage, "--" + option, fmt::format("is {} bytes; names are limited to 128", value.size()),
                "shorten the name");
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F)
      throw bad_value(option, value, "holds a control character", "a name is one line of text");
  }
}

namespace {

// Typed access to a request's options, each refusal naming the option and the fix.
class Options {
 public:
  explicit Options(const ActionRequest& r) : r_(r) {}

  bool flag(const std::string& name) const {
    auto v = r_.get(name);
    if (!r_.has(name)) return false;
    if (!v || v->empty() || *v == "true" || *v == "yes" || *v == "1") return true;
    if (*v == "false" || *v == "no" || *v == "0") return false;
    throw bad_value(name, *v, "is a flag", "leave it empty, or write true or false");
  }
  std::optional<std::string> text(const std::string& name) const {
    auto v = r_.get(name);
    if (v) check_free_text(name, *v);
    return v;
  }
  std::string required_text(const std::string& name, const std::string& hint) const {
    auto v = text(name);
    if (!v || v->empty()) throw Error(ErrorKind::usage, r_.action, fmt::format("--{} TEXT is required", name), hint);
    return *v;
  }
  std::optional<std::string> code(const std::string& name) const {
    auto v = r_.get(name);
    if (v) check_code(name, *v);
    return v;
  }
  std::string required_code(const std::string& name, const std::string& hint) const {
    auto v = code(name);
    if (!v) throw Error(ErrorKind::usage, r_.action, fmt::format("--{} is required", name), hint);
    return *v;
  }
  std::optional<std::string> name(const std::string& option) const {
    auto v = r_.get(option);
    if (v) check_name(option, *v);
    return v;
  }
  std::string required_name(const std::string& option, const std::string& hint) const {
    auto v = name(option);
    if (!v) throw Error(ErrorKind::usage, r_.action, fmt::format("--{} is required", option), hint);
    return *v;
  }
  std::optional<std::string> choice(const std::string& name, const std::vector<std::string>& values) const {
    auto v = r_.get(name);
    if (!v) return std::nullopt;
    if (std::find(values.begin(), values.end(), *v) != values.end()) return v;
    auto suggestion = closest_match(*v, values);
    std::string list;
    for (const auto& x : values) list += (list.empty() ? "" : ", ") + x;
    throw bad_value(name, *v, "is not one of the allowed values",
                    suggestion ? fmt::format("did you mean '{}'? allowed: {}", *suggestion, list) : "allowed: " + list);
  }
  std::string required_choice(const std::string& name, const std::vector<std::string>& values) const {
    auto v = choice(name, values);
    if (!v) {
      std::string list;
      for (const auto& x : values) list += (list.empty() ? "" : "|") + x;
      throw Error(ErrorKind::usage, r_.action, fmt::format("--{} is required", name), fmt::format("give --{} {}", name, list));
    }
    return *v;
  }
  std::optional<std::int64_t> integer(const std::string& name, std::int64_t min, std::int64_t max) const {
    auto v = r_.get(name);
    if (!v) return std::nullopt;
    bool digits = !v->empty() && v->size() <= 12 && std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; });
    std::int64_t n = 0;
    if (digits)
      for (char c : *v) n = n * 10 + (c - '0');
    if (!digits || n < min || n > max)
      throw bad_value(name, *v, fmt::format("is not a whole number from {} to {}", min, max),
                      fmt::format("give a number such as {}", min));
    return n;
  }
  std::optional<Money> money(const std::string& name, const std::string& currency) const {
    auto v = r_.get(name);
    if (!v) return std::nullopt;
    try {
      return Money::parse(*v, currency_minor_digits(currency));
    } catch (const Error& e) {
      throw bad_value(name, *v, e.why() + (currency.empty() ? "" : " (" + currency + ")"), e.hint());
    }
  }
  std::optional<Instant> time(const std::string& name, Zone zone) const {
    auto v = r_.get(name);
    if (!v) return std::nullopt;
    try {
      return parse_time(*v, zone);
    } catch (const Error& e) {
      throw bad_value(name, *v, e.why(), e.hint());
    }
  }
  std::optional<std::string> raw(const std::string& name) const {
    auto v = r_.get(name);
    if (v) check_name(name, *v);
    return v;
  }
  // Exactly one of the flags; returns its name.
  std::string one_of(const std::vector<std::string>& names) const {
    std::vector<std::string> given;
    for (const auto& n : names)
      if (r_.has(n) && (n == "need-info" || flag(n))) given.push_back(n);
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "--" : ", --") + n;
    if (given.size() != 1)
      throw Error(ErrorKind::usage, r_.action,
                  given.empty() ? fmt::format("one of {} is required", list)
                                : fmt::format("--{} and --{} exclude each other", given[0], given[1]),
                  fmt::format("give exactly one of {}", list));
    return given.front();
  }

 private:
  const ActionRequest& r_;
};

const std::vector<std::string> kKinds = {"return", "exchange", "repair", "complaint"};
const std::vector<std::string> kChannels = {"phone", "web", "store", "email", "chat"};
const std::vector<std::string> kResolutions = {"refund", "exchange", "repair", "compensation", "none"};
const std::vector<std::string> kPayers = {"company", "customer"};
const std::vector<std::string> kConditions = {"intact", "used", "damaged", "missing-parts"};
const std::vector<std::string> kDispositions = {"restock", "repair", "scrap", "vendor"};
const std::vector<std::string> kMethods = {"original", "transfer", "voucher"};

std::string mask_phone(const std::string& phone) {
  std::string digits;
  for (char c : phone)
    if (c >= '0' && c <= '9') digits += c;
  if (digits.size() <= 4) return std::string(digits.size(), '*');
  return std::string(digits.size() - 4, '*') + digits.substr(digits.size() - 4);
}

bool is_supervisor(const WriteEnv& env) {
  auto it = env.settings->operators.find(env.by);
  return it != env.settings->operators.end() && it->second == Role::supervisor;
}

void require_supervisor(const WriteEnv& env, const std::string& what, const std::string& why) {
  if (is_supervisor(env)) return;
  std::vector<std::string> supervisors;
  for (const auto& [name, role] : env.settings->operators)
    if (role == Role::supervisor) supervisors.push_back(name);
  std::string list;
  for (const auto& s : supervisors) list += (list.empty() ? "" : ", ") + s;
  throw Error(ErrorKind::policy, what, fmt::format("{}: a supervisor must record it, and {} is an operator", why, env.by),
              supervisors.empty() ? "give someone role = \"supervisor\" in rma.toml"
                                  : fmt::format("ask a supervisor ({}) to run it with --by", list));
}

struct Context {
  Journal& journal;
  const ActionRequest& request;
  const WriteEnv& env;
  Options opt;
  Zone zone;              // the workspace time zone
  Instant when{};         // --at, else now
  std::optional<Instant> at;
};

// --at: never later than recorded; more than the policy's backdate limit earlier needs a
// supervisor, so nobody can slip a case into a window by backdating it.
void check_backdate(const Context& cx, const Policy& policy) {
  if (!cx.at) return;
  if (*cx.at > cx.env.now)
    throw Error(ErrorKind::usage, fmt::format("--at {}", format_human(*cx.at, cx.zone)),
                fmt::format("is later than now ({})", format_human(cx.env.now, cx.zone)),
                "--at records when something already happened; it cannot be in the future");
  Deadline limit = policy.calendar.deadline(*cx.at, policy.backdate_limit);
  if (!limit.allows(cx.env.now))
    require_supervisor(cx.env, fmt::format("--at {}", format_human(*cx.at, cx.zone)),
                       fmt::format("backdating by more than {} (policy {})", policy.backdate_limit.str(), policy.ref()));
}

std::vector<Field> common_fields(const Context& cx) {
  std::vector<Field> f;
  if (cx.at) f.push_back({"at", format_rfc3339(*cx.at, cx.zone)});
  if (auto key = cx.opt.code("key")) f.push_back({"key", *key});
  return f;
}

Draft make_draft(const Context& cx, const std::string& case_id, std::vector<Field> fields) {
  std::vector<Field> common = common_fields(cx);
  fields.reserve(fields.size() + common.size());
  for (auto& f : common) fields.push_back(std::move(f));
  return Draft{case_id, cx.request.action, std::move(fields), cx.env.by, cx.env.now, std::nullopt};
}

Case load_case(const Context& cx, const std::string& id) { return replay_case(cx.journal.case_events(id)); }

// The policy version the case was opened under: the command's cached one when it has a
// cache, else loaded into `loaded` (a batch would otherwise copy it for every row).
const Policy& case_policy(const Context& cx, const Case& c, std::optional<Policy>& loaded) {
  if (cx.env.versions)
    if (const Policy* p = cx.env.versions->get(c.policy_ref)) return *p;
  return loaded.emplace(load_policy_version(cx.journal.root(), c.policy_ref, cx.env.policies));  // or say why not
}

// ---------------------------------------------------------------------------------------
// open

std::optional<std::string> find_case_by_ext(Journal& journal, const std::string& ext) {
  if (const StoredEvent* e = journal.find_ext(ext)) return e->event.case_id;
  return std::nullopt;
}

ActionResult do_open(Context& cx) {
  const Options& o = cx.opt;
  const Settings& settings = *cx.env.settings;
  std::string kind_text = o.required_choice("kind", kKinds);
  CaseKind kind = *parse_kind(kind_text);
  std::string channel = o.required_choice("channel", kChannels);
  auto category = o.code("category");
  const Policy& policy = cx.env.policies->select(o.code("policy"), category.value_or(""));
  check_backdate(cx, policy);

  std::string reason = o.required_code("reason", "give the reason code, such as --reason defect");
  if (!policy.knows_reason(reason)) {
    std::vector<std::string> known = policy.quality_reasons;
    known.insert(known.end(), policy.other_reasons.begin(), policy.other_reasons.end());
    auto suggestion = closest_match(reason, known);
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw bad_value("reason", reason, fmt::format("is not a reason of policy {}", policy.ref()),
                    suggestion ? fmt::format("did you mean '{}'? reasons: {}", *suggestion, list) : "reasons: " + list);
  }
  std::string currency = o.code("currency").value_or(policy.currency);
  if (!is_currency_code(currency))
    throw bad_value("currency", currency, "is not an ISO 4217 code", "use three upper-case letters, such as CNY");

  auto order = o.code("order");
  auto customer = o.code("customer");
  auto sku = o.code("sku");
  auto qty = o.integer("qty", 1, 100000);
  auto delivered = o.time("delivered", cx.zone);
  auto paid = o.money("paid", currency);
  bool complaint = kind == CaseKind::complaint;
  if (complaint) {
    if (!order && !customer)
      throw Error(ErrorKind::usage, "open", "a complaint needs --order or --customer", "say whose complaint it is");
  } else {
    if (!order) throw Error(ErrorKind::usage, "open", "--order is required", "give the order id, such as --order SO-1001");
    if (!sku) throw Error(ErrorKind::usage, "open", "--sku is required", "give the product, such as --sku SOFA-01");
    if (!delivered)
      throw Error(ErrorKind::usage, "open", "--delivered TIME is required",
                  "when the customer received the goods, such as --delivered '2026-11-21 10:00'");
    if (!paid) throw Error(ErrorKind::usage, "open", "--paid AMOUNT is required", "what the customer paid, such as --paid 1999.00");
  }
  if (delivered && *delivered > cx.when)
    throw Error(ErrorKind::usage, fmt::format("--delivered {}", format_human(*delivered, cx.zone)),
                fmt::format("is later than the request ({})", format_human(cx.when, cx.zone)),
                "check the delivery date; goods are delivered before they are returned");

  std::optional<std::string> phone = o.raw("phone");
  if (phone) {
    std::size_t digits = static_cast<std::size_t>(std::count_if(phone->begin(), phone->end(), [](char c) { return c >= '0' && c <= '9'; }));
    bool ok = digits >= 3 && digits <= 20 && std::all_of(phone->begin(), phone->end(), [](char c) {
      return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == ' ' || c == '(' || c == ')';
    });
    if (!ok) throw bad_value("phone", *phone, "is not a phone number", "digits, spaces, +, - and parentheses only");
    if (settings.contact_details == ContactDetails::refused)
      throw Error(ErrorKind::policy, "--phone", "this workspace does not record contact details (privacy.contact_details = refused)",
                  "record a customer reference with --customer instead");
    if (settings.contact_details == ContactDetails::masked) phone = mask_phone(*phone);
  }

  auto override_why = o.text("override");
  auto ext = o.code("ext");
  std::string evidence;
  for (const auto& ev : cx.request.all("evidence")) {
    check_code("evidence", ev);
    if (ev.find(',') != std::string::npos)
      throw bad_value("evidence", ev, "holds a comma", "give each reference as its own --evidence");
    evidence += (evidence.empty() ? "" : ",") + ev;
  }
  auto note = o.text("note");

  // An open with a known --ext is a retry: the same request is a no-op, another is refused.
  // Checked before the windows, so that a retry a day later still finds its case.
  if (ext) {
    if (auto existing = find_case_by_ext(cx.journal, *ext)) {
      Case c = load_case(cx, *existing);
      bool same = kind_name(c.kind) == kind_text && c.order == order.value_or("") && c.sku == sku.value_or("") &&
                  c.reason == reason && c.qty == qty.value_or(1) &&
                  (c.paid.has_value() == paid.has_value() && (!paid || *c.paid == *paid)) &&
                  c.customer == customer.value_or("");
      if (!same)
        throw Error(ErrorKind::conflict, fmt::format("--ext {}", *ext),
                    fmt::format("already opened case {} with different details", *existing),
                    "each request id opens one case; use a new --ext for a new request");
      ActionResult r;
      r.case_id = *existing;
      r.action = "open";
      r.already_recorded = true;
      r.state = state_name(c.state);
      r.summary = fmt::format("already recorded: --ext {} opened {}", *ext, *existing);
      return r;
    }
  }

  // The window rules. Complaints have none.
  std::vector<std::string> notices;
  if (!complaint) {
    WindowVerdict v = check_windows(policy, kind, reason, *delivered, cx.when);
    if (!v.allowed) {
      if (!override_why) {
        std::string alternatives;
        for (const auto& a : v.alternatives) alternatives += (alternatives.empty() ? "" : "; ") + a;
        Millis past = cx.when - v.deadline.at;
        throw Error(ErrorKind::policy, fmt::format("{} for {}", kind_text, reason),
                    fmt::format("{} window ended {}, {} ago (delivered {}, policy {})",
                                v.window == "defect_report" ? "the defect-report" : "the " + v.window,
                                format_human(v.deadline.last(), policy.calendar.zone()), describe_span(past),
                                format_human(*delivered, policy.calendar.zone()), policy.ref()),
                    alternatives.empty() ? "nothing else is possible under this policy" : "still possible: " + alternatives);
      }
      if (policy.overrides == "never")
        throw Error(ErrorKind::policy, "--override", fmt::format("policy {} allows no overrides", policy.ref()),
                    "the case cannot be opened outside its window");
      if (policy.overrides == "supervisor")
        require_supervisor(cx.env, "--override", fmt::format("opening outside the {} window", v.window));
      notices.push_back(fmt::format("opened outside the {} window by override", v.window));
    } else if (override_why) {
      throw Error(ErrorKind::usage, "--override", "the case is within its windows; no override is needed",
                  "drop --override");
    }
  } else if (override_why) {
    throw Error(ErrorKind::usage, "--override", "complaints have no window to override", "drop --override");
  }

  std::vector<Field> f;
  f.push_back({"kind", kind_text});
  if (order) f.push_back({"order", *order});
  if (customer) f.push_back({"customer", *customer});
  if (phone) f.push_back({"phone", *phone});
  if (sku) f.push_back({"sku", *sku});
  if (category) f.push_back({"category", *category});
  if (!complaint || qty) f.push_back({"qty", std::to_string(qty.value_or(1))});
  f.push_back({"reason", reason});
  f.push_back({"channel", channel});
  if (o.flag("priority")) f.push_back({"priority", "high"});
  if (delivered) f.push_back({"delivered", format_rfc3339(*delivered, cx.zone)});
  if (paid) {
    f.push_back({"paid", paid->str()});
    f.push_back({"currency", currency});
  } else if (cx.request.has("currency")) {
    f.push_back({"currency", currency});
  }
  if (!evidence.empty()) f.push_back({"evidence", evidence});
  f.push_back({"policy", policy.ref()});
  if (override_why) f.push_back({"override", *override_why});
  if (ext) f.push_back({"ext", *ext});
  if (note) f.push_back({"note", *note});

  std::string id = cx.journal.next_case_id(settings.prefix, cx.env.now);
  ActionResult r;
  r.case_id = id;
  r.action = "open";
  r.appended = cx.journal.stage(make_draft(cx, id, std::move(f)));
  r.state = "opened";
  r.notices = notices;
  r.freeze = std::make_shared<const Policy>(policy);
  std::string deadline;
  if (!complaint) {
    WindowVerdict v = check_windows(policy, kind, reason, *delivered, cx.when);
    for (const auto& [name, d] : v.windows)
      if (name == (kind == CaseKind::repair ? "warranty" : kind_text)) deadline = fmt::format("; {} window until {}", name, format_human(d.last(), policy.calendar.zone()));
  }
  r.summary = fmt::format("opened {} ({}{}, policy {}){}", id, kind_text, sku ? " of " + *sku : "", policy.ref(), deadline);
  return r;
}


// ---------------------------------------------------------------------------------------
// the other actions: each reads the case, checks, and stages one event

// Stages the event of an action on case `c` and describes it; the state afterwards comes
// from `c` and the new event, or (a correction, a resolve, a case with a fork) a replay.
ActionResult staged_result(Context& cx, const Case& c, std::vector<Field> fields, std::string summary,
                           std::optional<std::string> chain_from = std::nullopt) {
  Draft d = make_draft(cx, c.id, std::move(fields));
  d.chain_from = std::move(chain_from);
  ActionResult r;
  r.case_id = c.id;
  r.action = cx.request.action;
  r.appended = cx.journal.stage(std::move(d));
  const Appended& a = *r.appended;
  std::optional<State> after = state_after(c, a.stored);
  r.state = state_name(after ? *after : load_case(cx, c.id).state);
  r.summary = fmt::format("{} #{} {}: {} (now {})", c.id, a.event().seq, cx.request.action, summary, r.state);
  return r;
}

ActionResult do_review(Context& cx, const Case& c, const Policy& policy) {
  const Options& o = cx.opt;
  std::string decision = o.one_of({"approve", "reject", "need-info"});
  std::vector<Field> f;
  if (decision == "approve") {
    require_allowed(c, "review", "approve");
    std::string resolution = o.required_choice("resolution", kResolutions);
    auto amount = o.money("amount", c.currency.empty() ? policy.currency : c.currency);
    std::string currency = c.currency.empty() ? policy.currency : c.currency;
    if (resolution == "compensation" && !amount)
      throw Error(ErrorKind::usage, "review --approve --resolution compensation", "--amount is required",
                  "say how much compensation is owed, such as --amount 200.00");
    if (!amount && resolution == "refund") {
      if (!c.paid)
        throw Error(ErrorKind::usage, "review --approve --resolution refund", "the case records no paid amount",
                    "give the amount owed with --amount");
      amount = *c.paid;
    }
    if (amount && resolution == "refund" && c.paid && *amount > *c.paid)
      throw Error(ErrorKind::conflict, fmt::format("--amount {}", amount->str()),
                  fmt::format("is more than the customer paid ({} {})", c.paid->str(), currency),
                  "a refund owes at most what was paid; use --resolution compensation for more");
    if (amount && amount->is_zero() && (resolution == "refund" || resolution == "compensation"))
      throw Error(ErrorKind::usage, "--amount 0", "a refund or compensation of nothing", "use --resolution none");
    std::string freight = o.choice("freight", kPayers).value_or(policy.is_quality(c.reason) ? policy.freight_quality : policy.freight_other);
    bool keep = o.flag("keep-goods");
    if (c.override_) require_supervisor(cx.env, "review --approve", "the case was opened with an override");
    if (amount && !amount->is_zero() && policy.needs_supervisor(*amount, currency))
      require_supervisor(cx.env, "review --approve",
                         fmt::format("the amount owed {} {} is over the supervisor threshold of policy {}", amount->str(),
                                     currency, policy.ref()));
    f = {{"decision", "approve"}, {"resolution", resolution}};
    if (amount) {
      f.push_back({"amount", amount->str()});
      f.push_back({"currency", currency});
    }
    if (c.kind != CaseKind::complaint && resolution != "none") f.push_back({"freight", freight});
    if (keep) f.push_back({"keep_goods", "yes"});
    return staged_result(cx, c, std::move(f),
                         fmt::format("approved, {}{}", resolution, amount ? fmt::format(" {} {}", amount->str(), currency) : ""));
  }
  if (decision == "reject") {
    require_allowed(c, "review", "reject");
    std::string why = o.required_text("why", "say why, in words the customer will read: --why TEXT");
    return staged_result(cx, c, {{"decision", "reject"}, {"why", why}}, "rejected");
  }
  require_allowed(c, "review", "need-info");
  std::string info = o.required_text("need-info", "say what is missing: --need-info TEXT");
  return staged_result(cx, c, {{"decision", "need-info"}, {"info", info}}, "waiting for information");
}

ActionResult do_ship(Context& cx, const Case& c) {
  const Options& o = cx.opt;
  std::string direction = o.one_of({"return", "replacement"});
  require_allowed(c, "ship", direction);
  std::string carrier = o.required_name("carrier", "give the carrier, such as --carrier SF");
  std::string tracking = o.required_code("tracking", "give the tracking number, such as --tracking SF1234567890");
  auto cost = o.money("cost", c.currency);
  std::vector<Field> f = {{"direction", direction}, {"carrier", carrier}, {"tracking", tracking}};
  if (cost) {
    f.push_back({"cost", cost->str()});
    f.push_back({"currency", c.currency});
  }
  return staged_result(cx, c, std::move(f), fmt::format("{} shipped with {} {}", direction == "return" ? "return" : "replacement", carrier, tracking));
}

ActionResult do_receive(Context& cx, const Case& c, const Policy& policy) {
  const std::string& id = c.id;
  const Options& o = cx.opt;
  require_allowed(c, "receive", "");
  auto qty = o.integer("qty", 0, c.qty);
  if (!qty) throw Error(ErrorKind::usage, "receive", "--qty N is required", fmt::format("how many came back (the case has {})", c.qty));
  auto damaged = o.integer("damaged", 0, *qty).value_or(0);
  std::string condition = o.required_choice("condition", kConditions);
  std::string disposition = o.required_choice("disposition", kDispositions);
  auto arrived = o.time("arrived", cx.zone);
  if (arrived && *arrived > cx.when)
    throw Error(ErrorKind::usage, fmt::format("--arrived {}", format_human(*arrived, cx.zone)), "is later than the receipt",
                "goods arrive before they are received");
  auto note = o.text("note");
  std::vector<Field> f = {{"qty", std::to_string(*qty)}};
  if (damaged) f.push_back({"damaged", std::to_string(damaged)});
  f.push_back({"condition", condition});
  f.push_back({"disposition", disposition});
  if (arrived) f.push_back({"arrived", format_rfc3339(*arrived, cx.zone)});
  if (note) f.push_back({"note", *note});
  ActionResult r = staged_result(cx, c, std::move(f), fmt::format("received {} ({}, {})", *qty, condition, disposition));
  bool unused_required = std::find(policy.unused_required.begin(), policy.unused_required.end(), c.reason) != policy.unused_required.end();
  if (unused_required && (condition == "used" || condition == "damaged"))
    r.notices.push_back(fmt::format("reason {} requires unused goods and they came back {}: the case may be rejected "
                                    "(`rma review {} --reject --why TEXT`)",
                                    c.reason, condition, id));
  if (*qty < c.qty) r.notices.push_back(fmt::format("{} of {} items came back", *qty, c.qty));
  return r;
}

ActionResult do_repair(Context& cx, const Case& c) {
  const Options& o = cx.opt;
  require_allowed(c, "repair", "");
  std::string where = o.one_of({"onsite", "workshop"});
  std::string technician = o.required_name("technician", "who did the repair: --technician NAME");
  auto note = o.text("note");
  std::vector<Field> f = {{"where", where}, {"technician", technician}};
  if (note) f.push_back({"note", *note});
  return staged_result(cx, c, std::move(f), fmt::format("repaired {} by {}", where == "onsite" ? "on site" : "in the workshop", technician));
}

struct RefundSeen {
  std::string case_id;
  std::string amount;
  std::string currency;
};

std::optional<RefundSeen> find_refund_ref(Journal& journal, const std::string& ref) {
  if (const StoredEvent* e = journal.find_refund_ref(ref))
    return RefundSeen{e->event.case_id, e->event.get("amount"), e->event.get("currency")};
  return std::nullopt;
}

ActionResult do_refund(Context& cx, const Case& c, const Policy& policy) {
  const std::string& id = c.id;
  const Options& o = cx.opt;
  std::string currency = o.code("currency").value_or(c.currency);
  if (currency != c.currency)
    throw Error(ErrorKind::conflict, fmt::format("--currency {}", printable(currency)),
                fmt::format("case {} is in {}", id, c.currency), "refund in the case's currency");
  auto amount = o.money("amount", c.currency);
  if (!amount) throw Error(ErrorKind::usage, "refund", "--amount is required", "how much is paid out, such as --amount 1999.00");
  std::string ref = o.required_code("ref", "give the payment reference, such as --ref PAY-20261123-001");
  // A retried refund with a known reference is a no-op; the same reference elsewhere is not.
  if (auto seen = find_refund_ref(cx.journal, ref)) {
    if (seen->case_id == id && seen->amount == amount->str() && seen->currency == currency) {
      ActionResult r;
      r.case_id = id;
      r.action = "refund";
      r.already_recorded = true;
      r.state = state_name(c.state);
      r.summary = fmt::format("already recorded: refund {} of {} {} on {}", ref, amount->str(), currency, id);
      return r;
    }
    throw Error(ErrorKind::conflict, fmt::format("--ref {}", ref),
                fmt::format("was already used for a refund of {} {} on case {}", seen->amount, seen->currency, seen->case_id),
                "each payment has its own reference; check the payment before retrying");
  }
  require_allowed(c, "refund", "");
  std::string method = o.choice("method", kMethods).value_or("original");
  std::vector<Field> deductions;
  Money deducted = Money::from_minor(0, amount->digits());
  if (cx.request.has("deduct")) {
    std::set<std::string> kinds;
    for (const auto& d : cx.request.all("deduct")) {
      auto eq = d.find('=');
      std::string kind = eq == std::string::npos ? "" : d.substr(0, eq);
      bool ok_kind = !kind.empty() && is_valid_key(kind) && kind.size() <= 32;
      if (!ok_kind)
        throw bad_value("deduct", d, "is not KIND=AMOUNT", "such as --deduct freight=20.00 or --deduct restocking=50.00");
      if (!kinds.insert(kind).second) throw bad_value("deduct", d, "names a kind twice", "give each kind once");
      Money m;
      try {
        m = Money::parse(d.substr(eq + 1), currency_minor_digits(c.currency));
      } catch (const Error& e) {
        throw bad_value("deduct", d, e.why(), e.hint());
      }
      deducted += m;
      deductions.push_back({"deduct_" + kind, m.str()});
    }
  }
  if ((*amount + deducted).is_zero())
    throw Error(ErrorKind::usage, "refund", "pays out nothing and settles nothing", "give a positive --amount or a --deduct");
  Money remaining = c.remaining();
  if (*amount + deducted > remaining)
    throw Error(ErrorKind::conflict, fmt::format("refund of {} {}{}", amount->str(), c.currency,
                                                 deducted.is_zero() ? "" : fmt::format(" plus {} deducted", deducted.str())),
                fmt::format("only {} {} is still refundable on {} (owed {}, refunded {}, deducted {})", remaining.str(),
                            c.currency, id, c.owed ? c.owed->str() : "0", c.refunded.str(), c.deducted.str()),
                "refund at most what is still owed");
  if (c.owed && policy.needs_supervisor(*c.owed, c.currency))
    require_supervisor(cx.env, "refund",
                       fmt::format("the amount owed {} {} is over the supervisor threshold of policy {}", c.owed->str(),
                                   c.currency, policy.ref()));
  auto note = o.text("note");
  std::vector<Field> f = {{"amount", amount->str()}, {"currency", c.currency}, {"method", method}, {"ref", ref}};
  f.insert(f.end(), deductions.begin(), deductions.end());
  if (note) f.push_back({"note", *note});
  return staged_result(cx, c, std::move(f), fmt::format("refunded {} {} by {} ({})", amount->str(), c.currency, method, ref));
}

ActionResult do_simple(Context& cx, const Case& c) {
  const std::string& id = c.id;
  const Options& o = cx.opt;
  const std::string& a = cx.request.action;
  if (a == "contact") {
    require_allowed(c, "contact", "");
    std::string channel = o.required_choice("channel", kChannels);
    std::vector<Field> f = {{"channel", channel}};
    if (auto note = o.text("note")) f.push_back({"note", *note});
    return staged_result(cx, c, std::move(f), "contacted by " + channel);
  }
  if (a == "note") {
    require_allowed(c, "note", "");
    std::string note = o.required_text("note", "give the note: rma note CASE TEXT");
    return staged_result(cx, c, {{"note", note}}, "note added");
  }
  if (a == "escalate") {
    require_allowed(c, "escalate", "");
    std::string to = o.required_name("to", "to whom: --to NAME");
    std::string why = o.required_text("why", "say why: --why TEXT");
    return staged_result(cx, c, {{"to", to}, {"why", why}}, "escalated to " + to);
  }
  if (a == "cancel" || a == "reopen") {
    require_allowed(c, a, "");
    std::string why = o.required_text("why", "say why: --why TEXT");
    return staged_result(cx, c, {{"why", why}}, a == "cancel" ? "cancelled" : "reopened");
  }
  // close
  auto why = o.text("why");
  auto satisfaction = o.integer("satisfaction", 1, 5);
  auto feedback = o.text("feedback");
  require_allowed(c, "close", "", why.has_value());
  if (c.state == State::partially_refunded && !why)
    throw Error(ErrorKind::conflict, fmt::format("case {}", id),
                fmt::format("is partially refunded ({} {} of {} still owed)", c.remaining().str(), c.currency,
                            c.owed ? c.owed->str() : "0"),
                "refund the rest, or close with --why when the customer accepted less");
  std::vector<Field> f;
  if (satisfaction) f.push_back({"satisfaction", std::to_string(*satisfaction)});
  if (feedback) f.push_back({"feedback", *feedback});
  if (why) f.push_back({"why", *why});
  return staged_result(cx, c, std::move(f), satisfaction ? fmt::format("closed, satisfaction {}/5", *satisfaction) : "closed");
}

// correct: the only way to fix a typo, since nothing is edited in place.
ActionResult do_correct(Context& cx, const Case& c) {
  const std::string& id = c.id;
  const Options& o = cx.opt;
  require_allowed(c, "correct", "");
  auto seq = o.integer("seq", 1, c.last_seq);
  if (!seq) throw Error(ErrorKind::usage, "correct", "--seq N is required", "which event to correct (`rma show` numbers them)");
  const StoredEvent* target = nullptr;
  for (const auto* e : c.events)
    if (e->event.seq == static_cast<std::uint32_t>(*seq)) target = e;
  if (!target) throw Error(ErrorKind::not_found, fmt::format("event {} of {}", *seq, id), "does not stand in the case", "`rma show` lists the events");
  if (target->event.action == "correct" || target->event.action == "resolve")
    throw Error(ErrorKind::usage, fmt::format("--seq {}", *seq), fmt::format("is a {} event, which cannot be corrected", target->event.action),
                "correct the event it was about instead");
  if (!cx.request.has("set"))
    throw Error(ErrorKind::usage, "correct", "--set KEY=VALUE is required", "such as --set sku=SOFA-02");
  std::vector<Field> f = {{"of", std::to_string(*seq)}};
  std::set<std::string> keys;
  for (const auto& kv : cx.request.all("set")) {
    auto eq = kv.find('=');
    std::string key = eq == std::string::npos ? "" : kv.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (!is_valid_key(key)) throw bad_value("set", kv, "is not KEY=VALUE", "such as --set sku=SOFA-02");
    if (key == "by" || key == "h" || key == "key" || key == "policy" || key == "decision" || key == "direction")
      throw bad_value("set", kv, fmt::format("'{}' cannot be corrected", key),
                      key == "decision" || key == "direction" ? "record the right action instead" : "it is part of the record itself");
    if (!keys.insert(key).second) throw bad_value("set", kv, "names a key twice", "give each key once");
    // The new value is checked as the original option would be.
    ActionRequest probe;
    probe.action = target->event.action;
    probe.set(key, value);
    Options po(probe);
    std::string normal = value;
    static const std::set<std::string> money_keys = {"paid", "amount", "cost"};
    if (money_keys.contains(key) || key.starts_with("deduct_")) normal = po.money(key, c.currency)->str();
    else if (key == "qty" || key == "damaged") normal = std::to_string(*po.integer(key, 0, 100000));
    else if (key == "satisfaction") normal = std::to_string(*po.integer(key, 1, 5));
    else if (key == "delivered" || key == "arrived" || key == "at") normal = format_rfc3339(*po.time(key, cx.zone), cx.zone);
    else if (key == "kind") normal = *po.choice(key, kKinds);
    else if (key == "channel") normal = *po.choice(key, kChannels);
    else if (key == "condition") normal = *po.choice(key, kConditions);
    else if (key == "disposition") normal = *po.choice(key, kDispositions);
    else if (key == "method") normal = *po.choice(key, kMethods);
    else if (key == "resolution") normal = *po.choice(key, kResolutions);
    else if (key == "note" || key == "why" || key == "feedback" || key == "info" || key == "override") check_free_text(key, value);
    else if (key == "carrier" || key == "technician" || key == "to") check_name(key, value);
    else check_code(key, value);
    f.push_back({"set_" + key, normal});
  }
  std::string why = o.required_text("why", "say what was wrong: --why TEXT");
  f.push_back({"why", why});
  return staged_result(cx, c, std::move(f), fmt::format("corrected event {}", *seq));
}

// resolve: which branch of a fork stands.
ActionResult do_resolve(Context& cx, const Case& c) {
  const std::string& id = c.id;
  const Options& o = cx.opt;
  if (!c.forked)
    throw Error(ErrorKind::conflict, fmt::format("case {}", id), "has no unresolved fork", "resolve is only for forks that `rma check` reports");
  std::string keep = o.required_code("keep", "give the hash of the event that stands (`rma show` lists the branches)");
  if (std::find(c.fork_heads.begin(), c.fork_heads.end(), keep) == c.fork_heads.end()) {
    std::string list;
    for (const auto& h : c.fork_heads) list += (list.empty() ? "" : ", ") + h;
    throw bad_value("keep", keep, "is not one of the fork's events", "the branches are: " + list);
  }
  std::string why = o.required_text("why", "say why this branch stands: --why TEXT");
  // Continue the chain from the end of the kept branch.
  auto events = cx.journal.case_events(id);
  std::string end = keep;
  std::uint32_t end_seq = 0;
  for (const auto* e : events)
    if (e->event.hash == keep) end_seq = e->event.seq;
  bool advanced = true;
  while (advanced) {
    advanced = false;
    for (const auto* e : events)
      if (e->event.seq == end_seq + 1 && chain_hash(end, e->body) == e->event.hash) {
        end = e->event.hash;
        end_seq = e->event.seq;
        advanced = true;
        break;
      }
  }
  std::string discard;
  for (const auto& h : c.fork_heads)
    if (h != keep) discard += (discard.empty() ? "" : ",") + h;
  return staged_result(cx, c, {{"keep", keep}, {"discard", discard}, {"why", why}}, "fork resolved", end);
}

}  // namespace

std::string resolve_case_ref(Journal& journal, const std::string& ref) {
  if (ref.starts_with("ext:")) {
    std::string ext = ref.substr(4);
    check_code("ext", ext);
    if (auto id = find_case_by_ext(journal, ext)) return *id;
    throw Error(ErrorKind::not_found, fmt::format("case {}", ref), "no case was opened with this --ext",
                "check the request id; the open row must come first");
  }
  if (!parse_case_id(ref))
    throw Error(ErrorKind::usage, fmt::format("case id '{}'", printable(ref.size() > 60 ? ref.substr(0, 60) : ref)),
                "is not a case id", "case ids look like RMA-261123-SH-0042");
  if (!journal.has_case(ref)) {
    std::vector<std::string> ids = journal.case_ids();
    auto suggestion = closest_match(ref, ids);
    throw Error(ErrorKind::not_found, fmt::format("case {}", ref), "is not in the ledger",
                suggestion ? fmt::format("did you mean {}?", *suggestion) : "`rma list` shows the cases");
  }
  return ref;
}

ActionResult stage_action(Journal& journal, const ActionRequest& request, const WriteEnv& env) {
  const auto& allowed = action_options(request.action);
  if (std::find(writer_actions().begin(), writer_actions().end(), request.action) == writer_actions().end()) {
    auto suggestion = closest_match(request.action, writer_actions());
    throw Error(ErrorKind::usage, fmt::format("action '{}'", printable(request.action)), "is not an action",
                suggestion ? fmt::format("did you mean '{}'?", *suggestion) : "actions: open, review, ship, receive, ...");
  }
  for (const auto& [name, value] : request.options) {
    if (name == "at" || name == "key") continue;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      auto suggestion = closest_match(name, allowed);
      throw Error(ErrorKind::usage, fmt::format("--{}", printable(name)), fmt::format("is not an option of {}", request.action),
                  suggestion ? fmt::format("did you mean --{}?", *suggestion) : fmt::format("`rma {} --help` lists them", request.action));
    }
  }
  Context cx{journal, request, env, Options(request), env.settings->zone, env.now, std::nullopt};
  cx.at = cx.opt.time("at", cx.zone);
  if (cx.at) cx.when = *cx.at;

  // An import row's idempotency key already in the ledger: done before.
  if (auto key = cx.opt.code("key")) {
    if (const StoredEvent* hit = journal.find_key(*key)) {
      ActionResult r;
      r.case_id = hit->event.case_id;
      r.action = request.action;
      r.already_recorded = true;
      r.summary = fmt::format("already recorded: key {} is event {} of {}", *key, hit->event.seq, hit->event.case_id);
      return r;
    }
  }

  if (request.action == "open") {
    if (!request.case_ref.empty())
      throw Error(ErrorKind::usage, "open", "takes no case id", "open creates the case and prints its id");
    return do_open(cx);
  }
  if (request.case_ref.empty())
    throw Error(ErrorKind::usage, request.action, "which case?", fmt::format("rma {} CASE ...", request.action));
  std::string id = resolve_case_ref(journal, request.case_ref);
  Case c = load_case(cx, id);
  std::optional<Policy> loaded;
  const Policy& policy = case_policy(cx, c, loaded);
  check_backdate(cx, policy);
  if (cx.at && *cx.at < c.opened)
    throw Error(ErrorKind::usage, fmt::format("--at {}", format_human(*cx.at, cx.zone)),
                fmt::format("is before the case was opened ({})", format_human(c.opened, cx.zone)),
                "record the time it really happened");
  const std::string& a = request.action;
  if (a == "review") return do_review(cx, c, policy);
  if (a == "ship") return do_ship(cx, c);
  if (a == "receive") return do_receive(cx, c, policy);
  if (a == "repair") return do_repair(cx, c);
  if (a == "refund") return do_refund(cx, c, policy);
  if (a == "correct") return do_correct(cx, c);
  if (a == "resolve") return do_resolve(cx, c);
  return do_simple(cx, c);
}

}  // namespace rma
