#include "render.hpp"

#include <csv.h>

#include <fmt/format.h>

namespace rma::cli {

using nlohmann::json;

std::string money_text(const std::optional<Money>& m) { return m ? m->str() : ""; }

json event_json(const StoredEvent& e, const std::vector<std::string>* files, Zone zone) {
  json fields = json::object();
  for (const auto& f : e.event.fields) fields[f.key] = f.value;
  json j = {{"case", e.event.case_id},
            {"seq", e.event.seq},
            {"recorded", format_utc(e.event.recorded)},
            {"when", format_rfc3339(e.when, zone)},
            {"action", e.event.action},
            {"by", e.event.by},
            {"fields", fields},
            {"hash", e.event.hash}};
  if (files && e.line > 0) {
    j["file"] = (*files)[e.file];
    j["line"] = e.line;
  }
  return j;
}

json sla_json(const SlaStatus& s, Zone zone) {
  json j = {{"target", s.target},
            {"duration", s.duration.str()},
            {"state", sla_state_name(s.state)},
            {"start", format_rfc3339(s.start, zone)},
            {"due", format_rfc3339(s.due.last(), zone)}};
  j["stop"] = s.stop ? json(format_rfc3339(*s.stop, zone)) : json(nullptr);
  if (s.state == SlaState::breached) j["late_seconds"] = std::chrono::duration_cast<std::chrono::seconds>(s.late).count();
  if (s.state == SlaState::running) j["left_seconds"] = std::chrono::duration_cast<std::chrono::seconds>(s.left).count();
  return j;
}

json case_json(const CaseView& v, Zone zone, const std::vector<std::string>* files, bool history) {
  const Case& c = v.c;
  auto opt = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  json j = {{"id", c.id},
            {"site", c.site},
            {"kind", kind_name(c.kind)},
            {"state", state_name(c.state)},
            {"order", opt(c.order)},
            {"customer", opt(c.customer)},
            {"sku", opt(c.sku)},
            {"category", opt(c.category)},
            {"qty", c.qty},
            {"reason", c.reason},
            {"channel", c.channel},
            {"priority", c.priority},
            {"policy", c.policy_ref},
            {"opened", format_rfc3339(c.opened, zone)},
            {"opened_by", c.opened_by},
            {"currency", opt(c.currency)},
            {"paid", c.paid ? json(c.paid->str()) : json(nullptr)},
            {"resolution", opt(c.resolution)},
            {"owed", c.owed ? json(c.owed->str()) : json(nullptr)},
            {"refunded", c.refunded.str()},
            {"deducted", c.deducted.str()},
            {"freight_cost", c.freight_cost.str()},
            {"satisfaction", c.satisfaction ? json(*c.satisfaction) : json(nullptr)},
            {"escalated", c.escalated},
            {"forked", c.forked},
            {"overdue", v.overdue},
            {"events", c.events.size()}};
  j["delivered"] = c.delivered ? json(format_rfc3339(*c.delivered, zone)) : json(nullptr);
  if (c.forked) j["fork_heads"] = c.fork_heads;
  json windows = json::array();
  for (const auto& [name, d] : v.windows)
    windows.push_back({{"window", name}, {"until", format_rfc3339(d.last(), zone)}, {"met", d.allows(c.opened)}});
  j["windows"] = windows;
  json slas = json::array();
  for (const auto& s : v.slas) slas.push_back(sla_json(s, zone));
  j["slas"] = slas;
  j["next_due"] = v.next_due ? json(format_rfc3339(*v.next_due, zone)) : json(nullptr);
  if (history) {
    json events = json::array();
    for (const auto* e : c.events) events.push_back(event_json(*e, files, zone));
    j["history"] = events;
    if (!c.discarded.empty()) {
      json discarded = json::array();
      for (const auto* e : c.discarded) discarded.push_back(event_json(*e, files, zone));
      j["discarded"] = discarded;
    }
  }
  return j;
}

void write_csv_row(std::FILE* out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) std::fputc(',', out);
    csv_fwrite(out, fields[i].data(), fields[i].size());
  }
  std::fputc('\n', out);
}

std::string due_text(const SlaStatus& s, Instant now) {
  switch (s.state) {
    case SlaState::met: return "met";
    case SlaState::breached: return fmt::format("{} late", describe_span(s.late));
    case SlaState::paused: return "paused (waiting for the customer)";
    case SlaState::running: return fmt::format("{} left", describe_span(s.due.at - now));
  }
  return "";
}

}  // namespace rma::cli
