// Workspace settings: rma.toml (DESIGN §5).
#pragma once

#include <boost/filesystem/path.hpp>

#include <map>
#include <string>

#include "instant.hpp"

namespace rma {

enum class Role { operator_, supervisor };
enum class ContactDetails { masked, allowed, refused };

struct Settings {
  std::string prefix = "RMA";
  std::string timezone = "Asia/Shanghai";
  Zone zone = nullptr;
  std::map<std::string, Role> operators;
  ContactDetails contact_details = ContactDetails::masked;
  bool git_commit = false;
};

// Parses rma.toml text strictly; errors are Error(bad_data) with file:line:column.
Settings parse_settings(const std::string& display_path, const std::string& text);
// Loads <root>/rma.toml.
Settings load_settings(const boost::filesystem::path& root);

}  // namespace rma
