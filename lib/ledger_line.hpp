// The ledger line format, version 1 (DESIGN §2, man/rma-ledger.5):
//
//   <recorded> <case> <seq> <action> [key=value ...] by=<operator> h=<hash>
//
// One event per LF-terminated line. This module parses a line into an Event, writes an
// Event in canonical form (fixed key order per action, minimal quoting), and computes the
// per-case hash chain. It knows nothing of files, policies or states.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "instant.hpp"

namespace rma {

inline constexpr std::string_view kLedgerHeader = "# rma ledger v1";
inline constexpr std::string_view kZeroHash = "00000000000000000000000000000000";
inline constexpr std::size_t kMaxLineBytes = 64 * 1024;
inline constexpr std::size_t kMaxFreeTextBytes = 4096;
inline constexpr std::size_t kMaxCodeBytes = 128;

struct Field {
  std::string key;
  std::string value;
  bool operator==(const Field&) const = default;
};

struct Event {
  Instant recorded{};
  std::string case_id;
  std::uint32_t seq = 0;
  std::string action;
  std::vector<Field> fields;  // every key=value between the action and by=, `at` included
  std::string by;
  std::string hash;  // h=, 32 hex digits

  const std::string* find(std::string_view key) const;
  std::string get(std::string_view key) const;          // "" when absent
  std::string_view value(std::string_view key) const;   // the same, without a copy
  // The same for a key spelled in the code, a string literal (its length is the array's,
  // less the NUL): compared at that known length, inline (replay looks up a dozen keys an
  // event).
  template <std::size_t N>
  const std::string* find(const char (&key)[N]) const {
    for (const auto& f : fields)
      if (f.key.size() == N - 1 && std::memcmp(f.key.data(), key, N - 1) == 0) return &f.value;
    return nullptr;
  }
  template <std::size_t N>
  std::string get(const char (&key)[N]) const {
    return std::string(value(key));
  }
  template <std::size_t N>
  std::string_view value(const char (&key)[N]) const {
    const std::string* v = find(key);
    return v ? std::string_view(*v) : std::string_view{};
  }
  bool is(std::string_view a) const { return std::string_view(action) == a; }  // sizes first, no strlen
  void set(std::string_view key, std::string value);
  bool operator==(const Event&) const = default;
};

struct LineError {
  std::size_t byte = 0;  // offset of the fault in the line
  std::string message;
  std::string hint;
};

struct ParsedLine {
  Event event;
  std::size_t body_length = 0;  // the hashed part: the line up to, not including, " h="
};

// Parses one line (without its LF). Keys may come in any order, `h` last; unknown keys
// are kept.
std::variant<ParsedLine, LineError> parse_line(std::string_view line);
// The same into `out`, reusing its strings' storage (a reader parsing many lines into the
// same few events allocates nothing once they have grown); nullopt when the line parses.
// After an error `out` holds a partial event.
std::optional<LineError> parse_line_into(std::string_view line, Event& out, std::size_t& body_length);

// When the fact happened: `at` where the event has a valid one, else `recorded`.
Instant event_time(const Event& event);

// The canonical text of an event up to, not including, " h=", with room reserved for
// `room_after` bytes more (the " h=<hash>" and LF of a line built in place).
std::string event_body(const Event& event, std::size_t room_after = 0);
// First 32 hex digits of SHA-256 over `previous_hash`, one space, and `body`.
std::string chain_hash(std::string_view previous_hash, std::string_view body);
// chain_hash(previous_hash, body) == expected, without building a string (for check).
bool chain_hash_matches(std::string_view previous_hash, std::string_view body, std::string_view expected);
// Puts the fields in canonical order, computes and sets `hash`, and returns the body (with
// room for `room_after` bytes more, as event_body).
std::string seal_body(Event& event, std::string_view previous_hash, std::size_t room_after = 0);
// seal_body, and the whole line with its LF.
std::string seal_event(Event& event, std::string_view previous_hash);
// What a written line holds after its body: " h=", the hash, LF.
inline std::size_t hash_suffix_size(std::string_view hash) { return 3 + hash.size() + 1; }
void append_hash_suffix(std::string& out, std::string_view hash);

// How a value is written: bare when it can be, else quoted with \" \\ \n \t \r escapes.
std::string quote_value(std::string_view value);

// --- the schema: actions and the canonical order of their keys ---

std::span<const std::string_view> known_actions();
bool is_known_action(std::string_view action);
// Sorts fields into the canonical order of the action; unknown keys keep their relative
// order after the known ones.
void canonicalize(Event& event);
bool is_canonical_order(const Event& event);
bool is_valid_key(std::string_view key);

// --- case ids: PREFIX-YYMMDD-SITE-NNNN ---

struct CaseId {
  std::string prefix;
  std::string date;  // YYMMDD
  std::string site;
  std::uint32_t counter = 0;
};
std::optional<CaseId> parse_case_id(std::string_view text);
bool is_case_id(std::string_view text);  // parse_case_id would give one (builds no strings)
std::optional<std::string_view> case_id_site(std::string_view text);  // the SITE part, a view into text
std::string format_case_id(const CaseId& id);
bool is_site_code(std::string_view text);  // [A-Z0-9]{1,8}

}  // namespace rma
