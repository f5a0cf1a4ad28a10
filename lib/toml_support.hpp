// Strict reading of TOML documents (policies, rma.toml) with toml++: every error names
// file:line:column, the key, why, and a hint (the closest known key for a typo).
// Included only by the loaders, so that toml++ is compiled in few places.
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"

namespace rma::tomlx {

class Document {
 public:
  // Parses `text`; a syntax error throws Error(bad_data) at its place.
  Document(std::string display_path, std::string text);

  const toml::table& root() const { return root_; }
  const std::string& path() const { return path_; }

  [[noreturn]] void fail(const toml::source_region& where, std::string key, std::string why,
                         std::string hint) const;
  [[noreturn]] void fail(const toml::node& node, std::string key, std::string why,
                         std::string hint) const {
    fail(node.source(), std::move(key), std::move(why), std::move(hint));
  }

  // Refuses any key of `table` not in `allowed`, suggesting the closest.
  void check_keys(const toml::table& table, std::string_view table_name,
                  std::span<const std::string_view> allowed) const;

  // Typed access: a missing key gives nullopt; a present key of another type is refused.
  const toml::table* table(const toml::table& parent, std::string_view parent_name,
                           std::string_view key) const;
  std::optional<std::string> string(const toml::table& t, std::string_view table_name,
                                    std::string_view key) const;
  std::optional<std::int64_t> integer(const toml::table& t, std::string_view table_name,
                                      std::string_view key) const;
  std::optional<bool> boolean(const toml::table& t, std::string_view table_name,
                              std::string_view key) const;
  // An array of strings; each element's node is given to `each` for its own checks.
  std::optional<std::vector<std::pair<std::string, const toml::node*>>> strings(
      const toml::table& t, std::string_view table_name, std::string_view key) const;

  // Where a key sits (the key itself; the value where the key has no source).
  toml::source_region key_region(const toml::table& t, std::string_view key) const;

 private:
  std::string path_;
  std::vector<std::string> lines_;
  toml::table root_;
};

std::string type_name(const toml::node& node);

}  // namespace rma::tomlx
