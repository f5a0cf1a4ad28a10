// The workspace (DESIGN §1): finding it as git finds its repository, creating it, and the
// things every command asks of it: the site, the settings, the operator, the clock.
#pragma once

#include <boost/filesystem/path.hpp>

#include <optional>
#include <string>
#include <vector>

#include "instant.hpp"
#include "settings.hpp"

namespace rma {

namespace fs = boost::filesystem;

// --dir, else $RMA_DIR, else the nearest folder upward from `cwd` holding rma.toml.
// Error(not_found) when there is none; Error(usage) when --dir names a file.
fs::path find_workspace(const std::optional<std::string>& dir_flag, const fs::path& cwd);

// The site code of this clone (.rma/site), if set.
std::optional<std::string> read_site(const fs::path& root);

// The site a writer appends as: .rma/site; where a clone has none, --site or $RMA_SITE
// (and it is then saved). A flag that differs from .rma/site is refused (usage).
std::string resolve_site(const fs::path& root, const std::optional<std::string>& site_flag);

struct InitRequest {
  fs::path dir;
  std::string site;
  bool git = false;
  std::optional<std::string> supervisor;  // --by: listed in rma.toml as a supervisor
};

struct InitResult {
  fs::path root;
  bool created = false;  // false: an existing workspace (a fresh clone) got its site
  std::vector<std::string> files;  // what was written
};

// Creates a workspace (or, in an existing one, sets this clone's site and nothing else).
InitResult init_workspace(const InitRequest& request);

// The text of the shipped default policy (policies/default.toml).
std::string_view default_policy_text();

// The operator: --by, else $RMA_OPERATOR; must be listed in rma.toml (Error policy).
std::string resolve_operator(const Settings& settings, const std::optional<std::string>& by_flag);

// The clock: --now, else $RMA_NOW, else the system clock (to the millisecond).
Instant resolve_now(const std::optional<std::string>& now_flag, Zone zone);

// Runs a program (no shell) in `cwd`; returns its exit status, with its output in `output`.
int run_program(const std::vector<std::string>& argv, const fs::path& cwd, std::string* output);

}  // namespace rma
