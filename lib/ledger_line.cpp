#include "ledger_line.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fmt/format.h>

#include "text.hpp"

namespace rma {

const std::string* Event::find(std::string_view key) const {
  for (const auto& f : fields)
    if (f.key == key) return &f.value;
  return nullptr;
}

std::string Event::get(std::string_view key) const { return std::string(value(key)); }

std::string_view Event::value(std::string_view key) const {
  const std::string* v = find(key);
  return v ? std::string_view(*v) : std::string_view{};
}

void Event::set(std::string_view key, std::string value) {
  for (auto& f : fields)
    if (f.key == key) {
      f.value = std::move(value);
      return;
    }
  fields.push_back({std::string(key), std::move(value)});
}

// ---------------------------------------------------------------------------------------
// Schema. A trailing '*' names a family of keys with that prefix (deduct_freight=20.00),
// written in alphabetical order at that place. `at` and `key` (the idempotency key of an
// import row) close every action's list; `by` and `h` follow them.

namespace {

struct ActionSchema {
  std::string_view action;
  std::vector<std::string_view> keys;
};

const std::vector<ActionSchema>& schema() {
  static const std::vector<ActionSchema> table = {
      {"open",
       {"kind", "order", "customer", "phone", "sku", "category", "qty", "reason", "channel",
        "priority", "delivered", "paid", "currency", "evidence", "policy", "override", "ext",
        "note"}},
      {"review",
       {"decision", "resolution", "amount", "currency", "freight", "keep_goods", "why", "info"}},
      {"ship", {"direction", "carrier", "tracking", "cost", "currency"}},
      {"receive", {"qty", "damaged", "condition", "disposition", "arrived", "note"}},
      {"repair", {"where", "technician", "note"}},
      {"refund", {"amount", "currency", "method", "ref", "deduct_*", "note"}},
      {"contact", {"channel", "note"}},
      {"note", {"note"}},
      {"escalate", {"to", "why"}},
      {"correct", {"of", "set_*", "why"}},
      {"resolve", {"keep", "discard", "why"}},
      {"cancel", {"why"}},
      {"close", {"satisfaction", "feedback", "why"}},
      {"reopen", {"why"}},
  };
  return table;
}

const ActionSchema* schema_for(std::string_view action) {
  if (action.empty()) return nullptr;
  for (const auto& s : schema())  // every line asks: the first letter rules out most at once
    if (s.action[0] == action[0] && s.action == action) return &s;
  return nullptr;
}

// Rank of a key in its action's canonical order; unknown keys rank after all known ones.
std::size_t key_rank(const ActionSchema* s, std::string_view key) {
  static constexpr std::array<std::string_view, 2> tail = {"at", "key"};
  std::size_t n = s ? s->keys.size() : 0;
  if (s) {
    for (std::size_t i = 0; i < n; ++i) {
      std::string_view k = s->keys[i];
      if (k.ends_with('*') ? key.starts_with(k.substr(0, k.size() - 1)) : key == k) return i;
    }
  }
  for (std::size_t i = 0; i < tail.size(); ++i)
    if (key == tail[i]) return n + i;
  return n + tail.size();
}

}  // namespace

std::span<const std::string_view> known_actions() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const auto& s : schema()) v.push_back(s.action);
    return v;
  }();
  return names;
}

bool is_known_action(std::string_view action) { return schema_for(action) != nullptr; }

namespace {

// The canonical order as a comparison: by rank, and alphabetical within a family
// (deduct_*, set_*); unknown keys keep their order.
struct CanonicalOrder {
  const ActionSchema* s;
  bool operator()(const Field& a, const Field& b) const {
    std::size_t ra = key_rank(s, a.key), rb = key_rank(s, b.key);
    if (ra != rb) return ra < rb;
    bool family = s && ra < s->keys.size() && s->keys[ra].ends_with('*');
    return family && a.key < b.key;
  }
};

}  // namespace

void canonicalize(Event& event) {
  std::stable_sort(event.fields.begin(), event.fields.end(), CanonicalOrder{schema_for(event.action)});
}

bool is_canonical_order(const Event& event) {
  // Sorted under a strict weak order exactly when no neighbour is out of order.
  CanonicalOrder before{schema_for(event.action)};
  for (std::size_t i = 1; i < event.fields.size(); ++i)
    if (before(event.fields[i], event.fields[i - 1])) return false;
  return true;
}

namespace {

// Byte classes for the checks every line goes through, one table lookup a byte.
enum : unsigned char { kKeyByte = 1, kHexByte = 2, kNotBare = 4 };
constexpr std::array<unsigned char, 256> kByteClass = [] {
  std::array<unsigned char, 256> t{};
  for (std::size_t c = 'a'; c <= 'z'; ++c) t[c] |= kKeyByte;
  for (std::size_t c = '0'; c <= '9'; ++c) t[c] |= kKeyByte | kHexByte;
  t['_'] |= kKeyByte;
  for (std::size_t c = 'a'; c <= 'f'; ++c) t[c] |= kHexByte;
  for (char c : {'"', '\\', '=', '#'}) t[static_cast<unsigned char>(c)] |= kNotBare;
  return t;
}();

// s = v, as std::string::assign without its general path (_M_replace): a string that has
// grown reuses its storage.
void assign(std::string& s, std::string_view v) {
  s.clear();
  s.append(v);
}

bool all_in(std::string_view s, unsigned char cls) {
  unsigned char all = cls;
  for (char c : s) all &= kByteClass[static_cast<unsigned char>(c)];
  return all == cls;
}

}  // namespace

bool is_valid_key(std::string_view key) {
  return !key.empty() && key[0] >= 'a' && key[0] <= 'z' && all_in(key, kKeyByte);
}

// ---------------------------------------------------------------------------------------
// Writing

namespace {

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F || ch == '"' || ch == '\\' || ch == '=' || ch == '#') return true;
  }
  return false;
}

// Appends the value as written: bare when it can be, else quoted.
void append_value(std::string& out, std::string_view value) {
  if (!needs_quotes(value)) {
    out += value;
    return;
  }
  out += '"';
  for (char ch : value) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += ch;
    }
  }
  out += '"';
}

}  // namespace

std::string quote_value(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  append_value(out, value);
  return out;
}

Instant event_time(const Event& event) {
  if (const std::string* at = event.find("at"))
    if (auto t = parse_stored_time(*at)) return *t;
  return event.recorded;
}

std::string event_body(const Event& event, std::size_t room_after) {
  std::string out = format_utc(event.recorded);
  std::size_t size = out.size() + event.case_id.size() + event.action.size() + event.by.size() + 32;
  for (const auto& f : event.fields) size += f.key.size() + f.value.size() + 4;
  out.reserve(size + room_after);
  out += ' ';
  out += event.case_id;
  out += ' ';
  out += std::to_string(event.seq);
  out += ' ';
  out += event.action;
  for (const auto& f : event.fields) {
    out += ' ';
    out += f.key;
    out += '=';
    append_value(out, f.value);
  }
  out += " by=";
  append_value(out, event.by);
  return out;
}

namespace {

// The first 32 hex digits of SHA-256 over `previous_hash`, one space, and `body`. The
// digest is fetched once (an implicit fetch per call takes a lock in OpenSSL 3) and each
// thread keeps its own context.
std::array<char, 32> chain_hex(std::string_view previous_hash, std::string_view body) {
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Context c;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestInit_ex(c.ctx, sha256, nullptr);
  EVP_DigestUpdate(c.ctx, previous_hash.data(), previous_hash.size());
  EVP_DigestUpdate(c.ctx, " ", 1);
  EVP_DigestUpdate(c.ctx, body.data(), body.size());
  EVP_DigestFinal_ex(c.ctx, digest.data(), &length);
  static constexpr char hex[] = "0123456789abcdef";
  std::array<char, 32> out{};
  for (std::size_t i = 0; i < 16; ++i) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 0xF];
  }
  return out;
}

}  // namespace

std::string chain_hash(std::string_view previous_hash, std::string_view body) {
  auto hex = chain_hex(previous_hash, body);
  return std::string(hex.data(), hex.size());
}

bool chain_hash_matches(std::string_view previous_hash, std::string_view body, std::string_view expected) {
  auto hex = chain_hex(previous_hash, body);
  return std::string_view(hex.data(), hex.size()) == expected;
}

std::string seal_body(Event& event, std::string_view previous_hash, std::size_t room_after) {
  canonicalize(event);
  std::string body = event_body(event, room_after);
  event.hash = chain_hash(previous_hash, body);
  return body;
}

void append_hash_suffix(std::string& out, std::string_view hash) {
  out += " h=";
  out += hash;
  out += '\n';
}

std::string seal_event(Event& event, std::string_view previous_hash) {
  std::string line = seal_body(event, previous_hash, hash_suffix_size(kZeroHash));  // appended in place
  append_hash_suffix(line, event.hash);
  return line;
}

// ---------------------------------------------------------------------------------------
// Reading

namespace {

struct LineParser {
  std::string_view line;
  std::size_t pos = 0;

  LineError fail(std::size_t at, std::string message, std::string hint) const {
    return LineError{at, std::move(message), std::move(hint)};
  }

  // The next space-separated bare token.
  std::string_view token() {
    std::size_t start = pos;
    pos = std::min(line.find(' ', pos), line.size());
    return line.substr(start, pos - start);
  }
};

bool is_hex32(std::string_view s) { return s.size() == 32 && all_in(s, kHexByte); }

}  // namespace

std::variant<ParsedLine, LineError> parse_line(std::string_view line) {
  ParsedLine out;
  if (auto err = parse_line_into(line, out.event, out.body_length)) return std::move(*err);
  return out;
}

std::optional<LineError> parse_line_into(std::string_view line, Event& e, std::size_t& body_length) {
  LineParser p{line};
  if (line.size() > kMaxLineBytes)
    return p.fail(kMaxLineBytes, "line is longer than 64 KiB", "split the note; no event is this long");
  // One branch-free pass over the bytes first (the compiler vectorises it): most lines are
  // ASCII without control characters, and need neither check below.
  unsigned high = 0, control = 0;
  for (char ch : line) {
    auto c = static_cast<unsigned char>(ch);
    high |= c & 0x80u;
    control |= static_cast<unsigned>(c < 0x20) | static_cast<unsigned>(c == 0x7F);
  }
  if (high)
    if (auto bad = find_invalid_utf8(line))
      return p.fail(*bad, "invalid UTF-8", "the file must be UTF-8; re-save it as UTF-8");
  for (std::size_t i = 0; control && i < line.size(); ++i) {
    auto c = static_cast<unsigned char>(line[i]);
    if (c < 0x20 || c == 0x7F)
      return p.fail(i, fmt::format("control character {} in the line", printable(line.substr(i, 1))),
                    "tabs, newlines and CR are written as \\t \\n \\r inside quotes");
  }

  // Fields are written over the ones already there, in place; `used` of them are this line's.
  std::size_t used = 0;
  if (e.fields.capacity() == 0) e.fields.reserve(static_cast<std::size_t>(std::count(line.begin(), line.end(), '=')));

  std::size_t at = p.pos;
  std::string_view recorded = p.token();
  auto t = parse_utc(recorded);
  if (!t)
    return p.fail(at, "expected the recorded time in UTC, such as 2026-11-23T03:38:30.123Z",
                  "every event line starts with its UTC time, case id, seq and action");
  e.recorded = *t;

  auto expect_space = [&](const char* next) -> std::optional<LineError> {
    if (p.pos >= line.size())
      return p.fail(p.pos, fmt::format("line ends before the {}", next),
                    "an event line is: <recorded> <case> <seq> <action> key=value... by=<operator> h=<hash>");
    if (line[p.pos] != ' ' || (p.pos + 1 < line.size() && line[p.pos + 1] == ' '))
      return p.fail(p.pos, "fields are separated by exactly one space", "remove the extra space");
    ++p.pos;
    return std::nullopt;
  };

  if (auto err = expect_space("case id")) return *err;
  at = p.pos;
  std::string_view case_text = p.token();
  if (!is_case_id(case_text))
    return p.fail(at, fmt::format("'{}' is not a case id", case_text),
                  "a case id looks like RMA-261123-SH-0042");
  assign(e.case_id, case_text);

  if (auto err = expect_space("seq")) return *err;
  at = p.pos;
  std::string_view seq_text = p.token();
  std::uint32_t seq = 0;
  auto [end, ec] = std::from_chars(seq_text.data(), seq_text.data() + seq_text.size(), seq);
  if (ec != std::errc{} || end != seq_text.data() + seq_text.size() || seq == 0 ||
      seq_text[0] == '0')
    return p.fail(at, fmt::format("'{}' is not a sequence number", seq_text),
                  "seq counts the events of a case from 1, without leading zeros");
  e.seq = seq;

  if (auto err = expect_space("action")) return *err;
  at = p.pos;
  std::string_view action = p.token();
  if (!is_known_action(action)) {
    auto suggestion = closest_match(action, known_actions());
    return p.fail(at, fmt::format("unknown action '{}'", action),
                  suggestion ? fmt::format("did you mean '{}'?", *suggestion)
                             : "actions are open, review, ship, receive, repair, refund, contact, "
                               "note, escalate, correct, resolve, cancel, close, reopen");
  }
  assign(e.action, action);

  bool have_by = false;
  std::uint64_t marks = 0;  // the keys so far, by first byte and length
  while (true) {
    if (p.pos >= line.size())
      return p.fail(p.pos, "line ends without h=<hash>",
                    "a line whose end is missing was cut off; `rma check --repair` quarantines a torn last line");
    if (line[p.pos] == ' ' && (p.pos + 1 == line.size() || line[p.pos + 1] != ' ')) ++p.pos;
    else if (auto err = expect_space("next field")) return *err;
    std::size_t key_start = p.pos;
    // Key bytes up to '=' in one scan; anything else is looked at again for its message.
    while (p.pos < line.size() && (kByteClass[static_cast<unsigned char>(line[p.pos])] & kKeyByte)) ++p.pos;
    if (p.pos == key_start || p.pos >= line.size() || line[p.pos] != '=' || line[key_start] > 'z' ||
        line[key_start] < 'a') {
      while (p.pos < line.size() && line[p.pos] != '=' && line[p.pos] != ' ') ++p.pos;
      std::string_view key = line.substr(key_start, p.pos - key_start);
      if (p.pos >= line.size() || line[p.pos] != '=')
        return p.fail(key_start, fmt::format("expected key=value, found '{}'", key),
                      "values with spaces are written in double quotes");
      return p.fail(key_start, fmt::format("'{}' is not a valid key", key),
                    "keys are lower-case letters, digits and _, starting with a letter");
    }
    std::string_view key = line.substr(key_start, p.pos - key_start);
    ++p.pos;  // '='
    std::size_t value_start = p.pos;

    // (Compared by bytes: a compare of views calls memcmp even for one byte.)
    if (key.size() == 1 && key[0] == 'h') {
      std::string_view hash = p.token();
      if (!is_hex32(hash))
        return p.fail(value_start, "h= must be 32 lower-case hex digits", "the hash is the last field of a line");
      if (p.pos != line.size())
        return p.fail(p.pos, "h= must be the last field", "nothing may follow the hash");
      if (!have_by)
        return p.fail(key_start, "the line has no by=<operator>", "every event names the operator who recorded it");
      assign(e.hash, hash);
      e.fields.resize(used);
      body_length = key_start - 1;
      return std::nullopt;
    }

    // The value goes straight to where it is kept: by=, or the next field.
    bool is_by = key.size() == 2 && key[0] == 'b' && key[1] == 'y';
    if (!is_by && used == e.fields.size()) e.fields.emplace_back();
    std::string& value = is_by ? e.by : e.fields[used].value;
    value.clear();
    if (p.pos < line.size() && line[p.pos] == '"') {
      ++p.pos;
      bool closed = false;
      while (p.pos < line.size()) {
        // The plain run up to the next quote or backslash, in one piece.
        std::size_t run = p.pos;
        while (run < line.size() && line[run] != '"' && line[run] != '\\') ++run;
        value.append(line, p.pos, run - p.pos);
        p.pos = run;
        if (p.pos >= line.size()) break;
        char c = line[p.pos];
        if (c == '"') {
          closed = true;
          ++p.pos;
          break;
        }
        if (c == '\\') {
          if (p.pos + 1 >= line.size()) break;
          char n = line[p.pos + 1];
          switch (n) {
            case '"': value += '"'; break;
            case '\\': value += '\\'; break;
            case 'n': value += '\n'; break;
            case 't': value += '\t'; break;
            case 'r': value += '\r'; break;
            default:
              return p.fail(p.pos, fmt::format("unknown escape \\{}", n),
                            "inside quotes only \\\" \\\\ \\n \\t \\r are escapes");
          }
          p.pos += 2;
          continue;
        }
      }
      if (!closed)
        return p.fail(value_start, "the quoted value has no closing quote", "end the value with \"");
      if (p.pos < line.size() && line[p.pos] != ' ')
        return p.fail(p.pos, "a quoted value must be followed by a space", "separate fields with one space");
    } else {
      // Up to the next space, noting any byte a bare value may not hold.
      unsigned char refused = 0;
      while (p.pos < line.size() && line[p.pos] != ' ')
        refused |= kByteClass[static_cast<unsigned char>(line[p.pos++])];
      std::string_view bare = line.substr(value_start, p.pos - value_start);
      if (bare.empty())
        return p.fail(value_start, fmt::format("{}= has no value", key), "an empty value is written as \"\"");
      if (refused & kNotBare)
        for (std::size_t i = 0; i < bare.size(); ++i) {
          char c = bare[i];
          if (kByteClass[static_cast<unsigned char>(c)] & kNotBare)
            return p.fail(value_start + i, fmt::format("'{}' in a bare value", c),
                          "values holding \" \\ = or # are written in double quotes");
        }
      assign(value, bare);
    }

    if (is_by) {
      if (have_by) return p.fail(key_start, "by= appears twice", "an event has one operator");
      have_by = true;
      continue;
    }
    // A key can repeat an earlier one only if its mark (of its first and last bytes and
    // its length; among the keys of any one action in the schema only two share one) was
    // seen.
    std::uint64_t mark = std::uint64_t{1} << ((static_cast<unsigned char>(key[0]) +
                                               static_cast<unsigned char>(key.back()) * 15u + key.size() * 3u) % 64u);
    if (marks & mark)
      for (std::size_t i = 0; i < used; ++i)
        if (e.fields[i].key == key)
          return p.fail(key_start, fmt::format("key '{}' appears twice", key), "each key appears once in an event");
    marks |= mark;
    assign(e.fields[used++].key, key);
  }
}

// ---------------------------------------------------------------------------------------
// Case ids

bool is_site_code(std::string_view text) {
  if (text.empty() || text.size() > 8) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

namespace {

// The parts of a case id, as views into it.
struct CaseIdParts {
  std::string_view prefix, date, site;
  std::uint32_t counter = 0;
};

std::optional<CaseIdParts> case_id_parts(std::string_view text) {
  // PREFIX-YYMMDD-SITE-NNNN read left to right in one pass (every line's id is checked).
  auto code_byte = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t n = std::min(text.size(), kMaxCodeBytes + 1), i = 0;
  // PREFIX: a capital letter, then up to 7 capitals or digits (a site code's bytes).
  if (n == 0 || text[0] < 'A' || text[0] > 'Z') return std::nullopt;
  while (++i < n && code_byte(text[i])) {
  }
  if (i > 8 || i + 8 > n || text[i] != '-') return std::nullopt;
  const std::size_t a = i;
  // YYMMDD
  for (i = a + 1; i < a + 7; ++i)
    if (!digit(text[i])) return std::nullopt;
  if (text[i] != '-') return std::nullopt;
  const std::size_t b = i;
  // SITE: 1 to 8 capitals or digits.
  while (++i < n && code_byte(text[i])) {
  }
  if (i == b + 1 || i > b + 9 || i >= n || text[i] != '-') return std::nullopt;
  const std::size_t c = i;
  // NNNN: 4 to 9 digits, then the end.
  while (++i < n && digit(text[i])) {
  }
  std::size_t digits = i - c - 1;
  if (i != text.size() || text.size() > kMaxCodeBytes || digits < 4 || digits > 9) return std::nullopt;
  CaseIdParts id{text.substr(0, a), text.substr(a + 1, 6), text.substr(b + 1, c - b - 1)};
  std::string_view counter = text.substr(c + 1);
  std::from_chars(counter.data(), counter.data() + counter.size(), id.counter);
  if (id.counter == 0 || (counter.size() > 4 && counter[0] == '0')) return std::nullopt;
  return id;
}

}  // namespace

bool is_case_id(std::string_view text) { return case_id_parts(text).has_value(); }

std::optional<std::string_view> case_id_site(std::string_view text) {
  auto parts = case_id_parts(text);
  if (!parts) return std::nullopt;
  return parts->site;
}

std::optional<CaseId> parse_case_id(std::string_view text) {
  auto parts = case_id_parts(text);
  if (!parts) return std::nullopt;
  return CaseId{std::string(parts->prefix), std::string(parts->date), std::string(parts->site), parts->counter};
}

std::string format_case_id(const CaseId& id) {
  return fmt::format("{}-{}-{}-{:04}", id.prefix, id.date, id.site, id.counter);
}

}  // namespace rma
