#include "toml_support.hpp"

#include <fmt/format.h>

#include "text.hpp"

namespace rma::tomlx {

namespace {

std::string joined(std::string_view table_name, std::string_view key) {
  return table_name.empty() ? std::string(key) : fmt::format("{}.{}", table_name, key);
}

}  // namespace

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "nothing";
  }
}

Document::Document(std::string display_path, std::string text) : path_(std::move(display_path)) {
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines_.push_back(std::move(line));
    pos = nl + 1;
  }
  try {
    root_ = toml::parse(std::string_view(text), std::string_view(path_));
  } catch (const toml::parse_error& e) {
    fail(e.source(), "", fmt::format("not valid TOML: {}", e.description()),
         "fix the syntax at the place shown (strings in double quotes, one key per line)");
  }
}

void Document::fail(const toml::source_region& where, std::string key, std::string why,
                    std::string hint) const {
  SourceLocation loc;
  loc.file = path_;
  loc.line = static_cast<int>(where.begin.line);
  loc.column = static_cast<int>(where.begin.column);
  if (loc.line > 0 && static_cast<std::size_t>(loc.line) <= lines_.size()) {
    loc.text = lines_[static_cast<std::size_t>(loc.line - 1)];
    // toml++ counts columns in code points, as our caret does.
  }
  std::string what = key.empty() ? path_ : fmt::format("{}: key '{}'", path_, key);
  throw Error(ErrorKind::bad_data, std::move(what), std::move(why), std::move(hint), std::move(loc));
}

toml::source_region Document::key_region(const toml::table& t, std::string_view key) const {
  for (auto&& [k, v] : t)
    if (k.str() == key) return k.source().begin.line ? k.source() : v.source();
  return t.source();
}

void Document::check_keys(const toml::table& table, std::string_view table_name,
                          std::span<const std::string_view> allowed) const {
  for (auto&& [k, v] : table) {
    std::string_view key = k.str();
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (known) continue;
    auto suggestion = closest_match(key, allowed);
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(k.source().begin.line ? k.source() : v.source(), joined(table_name, key),
         table_name.empty() ? "unknown table or key" : fmt::format("unknown key in [{}]", table_name),
         suggestion ? fmt::format("did you mean '{}'? known here: {}", *suggestion, list)
                    : fmt::format("known here: {}", list));
  }
}

const toml::table* Document::table(const toml::table& parent, std::string_view parent_name,
                                   std::string_view key) const {
  const toml::node* node = parent.get(key);
  if (!node) return nullptr;
  if (!node->is_table())
    fail(*node, joined(parent_name, key), fmt::format("must be a table, not {}", type_name(*node)),
         fmt::format("write it as [{}] with keys below it", joined(parent_name, key)));
  return node->as_table();
}

std::optional<std::string> Document::string(const toml::table& t, std::string_view table_name,
                                            std::string_view key) const {
  const toml::node* node = t.get(key);
  if (!node) return std::nullopt;
  if (!node->is_string())
    fail(*node, joined(table_name, key), fmt::format("must be a string, not {}", type_name(*node)),
         "put the value in double quotes");
  return node->as_string()->get();
}

std::optional<std::int64_t> Document::integer(const toml::table& t, std::string_view table_name,
                                              std::string_view key) const {
  const toml::node* node = t.get(key);
  if (!node) return std::nullopt;
  if (!node->is_integer())
    fail(*node, joined(table_name, key), fmt::format("must be an integer, not {}", type_name(*node)),
         "write a whole number without quotes, such as 3");
  return node->as_integer()->get();
}

std::optional<bool> Document::boolean(const toml::table& t, std::string_view table_name,
                                      std::string_view key) const {
  const toml::node* node = t.get(key);
  if (!node) return std::nullopt;
  if (!node->is_boolean())
    fail(*node, joined(table_name, key), fmt::format("must be true or false, not {}", type_name(*node)),
         "write true or false without quotes");
  return node->as_boolean()->get();
}

std::optional<std::vector<std::pair<std::string, const toml::node*>>> Document::strings(
    const toml::table& t, std::string_view table_name, std::string_view key) const {
  const toml::node* node = t.get(key);
  if (!node) return std::nullopt;
  if (!node->is_array())
    fail(*node, joined(table_name, key), fmt::format("must be an array of strings, not {}", type_name(*node)),
         "write it as [\"a\", \"b\"]");
  std::vector<std::pair<std::string, const toml::node*>> out;
  for (const toml::node& element : *node->as_array()) {
    if (!element.is_string())
      fail(element, joined(table_name, key),
           fmt::format("every element must be a string, not {}", type_name(element)),
           "put each element in double quotes");
    out.emplace_back(element.as_string()->get(), &element);
  }
  return out;
}

}  // namespace rma::tomlx
