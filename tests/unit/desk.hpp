// A test workspace where requests are recorded through the same path the commands use.
#pragma once

#include <memory>

#include "cases.hpp"
#include "helpers.hpp"
#include "journal.hpp"
#include "lifecycle.hpp"

namespace rma::test {

inline Zone shanghai() { return find_zone("Asia/Shanghai"); }
inline Instant t(const char* text) { return parse_time(text, shanghai()); }

// A workspace where requests are recorded through the same path the commands use.
struct Desk {
  TempDir dir;
  boost::filesystem::path root = test::make_workspace(dir);
  Settings settings = load_settings(root);
  PolicySet policies = load_policies(root);

  ActionResult act(const char* now, const std::string& action, const std::string& case_ref,
                   std::vector<std::pair<std::string, std::string>> options, const char* by = "alice",
                   const char* site = "SH") {
    ActionRequest r;
    r.action = action;
    r.case_ref = case_ref;
    for (auto& [k, v] : options) r.add(k, v);
    WriteEnv env{&settings, &policies, by, t(now)};
    Journal j(root, site, settings.zone);
    ActionResult result = stage_action(j, r, env);
    if (result.freeze) freeze_policy(root, *result.freeze);
    j.commit(false);
    return result;
  }
  std::string open_return(const char* now, const char* channel = "web", bool priority = false) {
    std::vector<std::pair<std::string, std::string>> o = {{"kind", "return"}, {"order", "SO-1"}, {"sku", "A"},
                                                          {"reason", "defect"}, {"channel", channel},
                                                          {"delivered", "2026-11-22 10:00"}, {"paid", "100.00"}};
    if (priority) o.emplace_back("priority", "");
    return act(now, "open", "", o).case_id;
  }
  CaseView view(const std::string& id, const char* now) {
    ledger = read_ledger(root);
    cache = std::make_unique<PolicyCache>(root, &policies);
    return view_case(replay_case(ledger.case_events(id)), *cache, t(now));
  }
  const SlaStatus* sla(const CaseView& v, const std::string& target) {
    for (const auto& s : v.slas)
      if (s.target == target) return &s;
    return nullptr;
  }
  Ledger ledger;
  std::unique_ptr<PolicyCache> cache;
};

}  // namespace rma::test
