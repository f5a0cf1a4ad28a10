#include "settings.hpp"

#include <array>
#include <fmt/format.h>

#include "file_io.hpp"
#include "ledger_line.hpp"
#include "text.hpp"
#include "toml_support.hpp"

namespace rma {

Settings parse_settings(const std::string& display_path, const std::string& text) {
  tomlx::Document doc(display_path, text);
  const toml::table& root = doc.root();
  static constexpr std::array<std::string_view, 4> top = {"workspace", "operators", "privacy", "git"};
  doc.check_keys(root, "", top);
  Settings s;

  if (const toml::table* ws = doc.table(root, "", "workspace")) {
    static constexpr std::array<std::string_view, 2> keys = {"prefix", "timezone"};
    doc.check_keys(*ws, "workspace", keys);
    if (auto prefix = doc.string(*ws, "workspace", "prefix")) {
      bool ok = !prefix->empty() && prefix->size() <= 8 && (*prefix)[0] >= 'A' && (*prefix)[0] <= 'Z' &&
                is_site_code(*prefix);
      if (!ok)
        doc.fail(*ws->get("prefix"), "workspace.prefix", fmt::format("'{}' is not a valid case id prefix", *prefix),
                 "use 1 to 8 upper-case letters or digits, starting with a letter, such as RMA");
      s.prefix = *prefix;
    }
    if (auto tz = doc.string(*ws, "workspace", "timezone")) s.timezone = *tz;
    if (!find_zone(s.timezone))
      doc.fail(ws->get("timezone") ? ws->get("timezone")->source() : ws->source(), "workspace.timezone",
               fmt::format("'{}' is not a known IANA time zone", s.timezone),
               "use a name such as Asia/Shanghai or America/New_York (see /usr/share/zoneinfo)");
  }
  s.zone = find_zone(s.timezone);
  if (!s.zone) throw Error(ErrorKind::bad_data, display_path, "time zone " + s.timezone + " is unknown",
                           "install the tzdata package");

  if (const toml::table* ops = doc.table(root, "", "operators")) {
    for (auto&& [name, value] : *ops) {
      std::string op(name.str());
      std::string key = "operators." + op;
      if (op.size() > kMaxCodeBytes || !is_ascii_lower_word(op))
        doc.fail(name.source(), key, "operator names are lower-case words",
                 "use letters, digits, - and _, starting with a letter, such as alice");
      if (!value.is_table())
        doc.fail(value, key, fmt::format("must be a table, not {}", tomlx::type_name(value)),
                 "write it as " + op + " = { role = \"operator\" }");
      static constexpr std::array<std::string_view, 2> keys = {"role", "name"};
      doc.check_keys(*value.as_table(), key, keys);
      std::string role = doc.string(*value.as_table(), key, "role").value_or("operator");
      if (role == "operator") {
        s.operators[op] = Role::operator_;
      } else if (role == "supervisor") {
        s.operators[op] = Role::supervisor;
      } else {
        doc.fail(*value.as_table()->get("role"), key + ".role", fmt::format("unknown role '{}'", role),
                 "roles are operator and supervisor");
      }
    }
  }

  if (const toml::table* privacy = doc.table(root, "", "privacy")) {
    static constexpr std::array<std::string_view, 1> keys = {"contact_details"};
    doc.check_keys(*privacy, "privacy", keys);
    if (auto cd = doc.string(*privacy, "privacy", "contact_details")) {
      if (*cd == "masked") s.contact_details = ContactDetails::masked;
      else if (*cd == "allowed") s.contact_details = ContactDetails::allowed;
      else if (*cd == "refused") s.contact_details = ContactDetails::refused;
      else
        doc.fail(*privacy->get("contact_details"), "privacy.contact_details",
                 fmt::format("unknown value '{}'", *cd), "use masked, allowed or refused");
    }
  }

  if (const toml::table* git = doc.table(root, "", "git")) {
    static constexpr std::array<std::string_view, 1> keys = {"commit"};
    doc.check_keys(*git, "git", keys);
    s.git_commit = doc.boolean(*git, "git", "commit").value_or(false);
  }
  return s;
}

Settings load_settings(const boost::filesystem::path& root) {
  return parse_settings("rma.toml", read_text_file(root / "rma.toml", "workspace settings"));
}

}  // namespace rma
