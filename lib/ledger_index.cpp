#include "ledger_index.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/filesystem.hpp>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <unordered_map>

#include "parallel.hpp"

namespace rma {

enum class LedgerIndex::Kind : std::uint32_t { case_id = 1, key = 2, ref = 3, ext = 4, stem = 5 };

namespace {

using Kind = LedgerIndex::Kind;
using Sha = std::array<unsigned char, 32>;

constexpr std::array<char, 8> kMagic = {'R', 'M', 'A', 'I', 'D', 'X', '0', '1'};
constexpr std::uint64_t kTailBytes = 4096;
constexpr std::uint64_t kRebuildAfter = 64 * 1024;  // appended bytes parsed on each use

struct Header {
  std::array<char, 8> magic;
  std::uint64_t dev, ino;
  std::uint64_t size;   // bytes of the ledger file covered: up to and including its last LF
  std::uint64_t lines;  // lines in those bytes
  std::int64_t mtime_ns;
  Sha tail;             // SHA-256 of the last (up to) 4 KiB covered
  std::uint64_t entries;
  std::uint64_t ids_bytes;
  Sha ids_sha;          // SHA-256 of the case-id list (read whole, so checked whole)
};

struct Entry {
  std::uint64_t hash;
  std::uint64_t offset;
  std::uint32_t length;  // without the LF
  std::uint32_t line;
  std::uint32_t kind;
  std::uint32_t counter;  // stems: the case id's counter
};
static_assert(sizeof(Entry) == 32);

// FNV-1a over the kind and the value: a locator, checked against the line it finds.
std::uint64_t hash_of(Kind kind, std::string_view value) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&](unsigned char c) {
    h ^= c;
    h *= 1099511628211ull;
  };
  mix(static_cast<unsigned char>(kind));
  for (char c : value) mix(static_cast<unsigned char>(c));
  return h;
}

Sha sha256(std::string_view bytes) {
  Sha out{};
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &n, EVP_sha256(), nullptr);
  return out;
}

std::int64_t mtime_ns(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

bool pread_all(int fd, char* buf, std::size_t n, std::uint64_t offset) {
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, buf + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    got += static_cast<std::size_t>(r);
  }
  return true;
}

// The bytes of [from, end of file).
std::optional<std::string> read_from(int fd, std::uint64_t from) {
  std::string out;
  char buf[65536];
  for (std::uint64_t at = from;;) {
    ssize_t r = ::pread(fd, buf, sizeof buf, static_cast<off_t>(at));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return std::nullopt;
    if (r == 0) return out;
    out.append(buf, static_cast<std::size_t>(r));
    at += static_cast<std::uint64_t>(r);
  }
}

// What an event says for a kind of lookup (a stem matches by prefix, so it has none).
std::optional<std::string_view> value_of(Kind kind, const Event& e) {
  auto field = [&](const char* key) -> std::optional<std::string_view> {
    if (const std::string* v = e.find(key)) return *v;
    return std::nullopt;
  };
  switch (kind) {
    case Kind::case_id: return e.case_id;
    case Kind::key: return field("key");
    case Kind::ref: return e.action == "refund" ? field("ref") : std::nullopt;
    case Kind::ext: return e.action == "open" ? field("ext") : std::nullopt;
    case Kind::stem: return std::nullopt;
  }
  return std::nullopt;
}

// Whether an event answers a lookup of `value`.
bool matches(Kind kind, const Event& e, std::string_view value) {
  if (kind == Kind::stem) return e.case_id.starts_with(value);
  auto v = value_of(kind, e);
  return v && *v == value;
}

std::string stem_of(const std::string& case_id) {
  auto dash = case_id.rfind('-');
  return dash == std::string::npos ? case_id : case_id.substr(0, dash + 1);
}

}  // namespace

bool index_enabled() {
  const char* v = std::getenv("RMA_INDEX");
  return !(v && std::string_view(v) == "off");
}

// One ledger file: its descriptor, its segment (mapped, or built by this process), and the
// events appended after what the segment covers.
struct LedgerIndex::Segment {
  std::uint32_t file = 0;
  std::string rel;
  int fd = -1;
  Header header{};
  const Entry* entries = nullptr;
  std::size_t count = 0;
  std::string_view ids;  // case ids of the covered part, sorted, '\n'-separated
  void* map = nullptr;
  std::size_t map_size = 0;
  std::vector<Entry> built_entries;
  std::string built_ids;
  std::vector<StoredEvent> appended;  // parsed from the bytes after header.size
  bool usable = false;                // false: the file could not be read as a ledger

  ~Segment() {
    if (map) ::munmap(map, map_size);
    if (fd >= 0) ::close(fd);
  }
};

namespace {

using Segment = LedgerIndex::Segment;

fs::path segment_path(const fs::path& root, const std::string& rel) { return root / ".rma" / "index" / (rel + ".idx"); }

// Maps a segment file when its header is whole and its sizes add up.
bool map_segment(Segment& s, const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && static_cast<std::size_t>(st.st_size) >= sizeof(Header);
  void* map = ok ? ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
  ::close(fd);
  if (map == MAP_FAILED) return false;
  auto size = static_cast<std::size_t>(st.st_size);
  Header h;
  std::memcpy(&h, map, sizeof h);
  if (h.magic != kMagic || h.entries > size / sizeof(Entry) || h.ids_bytes > size ||
      sizeof(Header) + h.entries * sizeof(Entry) + h.ids_bytes != size) {
    ::munmap(map, size);
    return false;
  }
  s.map = map;
  s.map_size = size;
  s.header = h;
  s.entries = reinterpret_cast<const Entry*>(static_cast<const char*>(map) + sizeof(Header));
  s.count = h.entries;
  s.ids = std::string_view(static_cast<const char*>(map) + sizeof(Header) + h.entries * sizeof(Entry), h.ids_bytes);
  return true;
}

void unmap_segment(Segment& s) {
  if (s.map) ::munmap(s.map, s.map_size);
  s.map = nullptr;
  s.entries = nullptr;
  s.count = 0;
  s.ids = {};
}

// Parses the complete lines of `text` (the file from byte `base`, line `first_line`, on):
// entries for a segment, or events for the appended part; `covered` ends after the last
// LF. A torn tail or a missing header becomes an issue.
struct Scan {
  std::vector<Entry> entries;
  std::vector<StoredEvent> events;
  std::vector<std::string> ids;
  std::uint64_t covered = 0;
  std::uint64_t lines = 0;
  std::vector<LedgerIssue> issues;
};

Scan scan(std::string_view text, std::uint64_t base, std::uint32_t first_line, const Segment& s, bool keep_events) {
  Scan out;
  each_line(
      text, s.rel, out.issues,
      [&](std::string_view line, std::uint32_t line_no) {
        auto parsed = parse_line(line);
        auto* ok = std::get_if<ParsedLine>(&parsed);
        if (!ok) return;  // `rma check` reports it
        if (keep_events) {
          out.events.push_back(stored_event(std::move(*ok), line, s.file, line_no));
          return;
        }
        const Event& e = ok->event;
        auto offset = base + static_cast<std::uint64_t>(line.data() - text.data());
        auto entry = [&](Kind kind, std::string_view value) {
          out.entries.push_back({hash_of(kind, value), offset, static_cast<std::uint32_t>(line.size()), line_no,
                                 static_cast<std::uint32_t>(kind), 0});
        };
        for (Kind kind : {Kind::case_id, Kind::key, Kind::ref, Kind::ext})
          if (auto value = value_of(kind, e)) entry(kind, *value);
        if (out.ids.empty() || out.ids.back() != e.case_id) out.ids.push_back(e.case_id);
      },
      first_line);
  std::size_t last_lf = text.rfind('\n');
  std::size_t end = last_lf == std::string_view::npos ? 0 : last_lf + 1;
  out.covered = base + end;
  out.lines = first_line - 1 + static_cast<std::uint64_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
  if (!keep_events) {
    std::sort(out.ids.begin(), out.ids.end());
    out.ids.erase(std::unique(out.ids.begin(), out.ids.end()), out.ids.end());
    for (const auto& id : out.ids)
      if (auto parsed_id = parse_case_id(id)) out.entries.push_back({hash_of(Kind::stem, stem_of(id)), 0, 0, 0,
                                                                     static_cast<std::uint32_t>(Kind::stem), parsed_id->counter});
    std::sort(out.entries.begin(), out.entries.end(),
              [](const Entry& a, const Entry& b) { return a.hash != b.hash ? a.hash < b.hash : a.offset < b.offset; });
  }
  return out;
}

// Writes a segment beside its final name, syncs it and renames it into place. A workspace
// that cannot be written (a read-only clone) simply goes without.
void write_segment(const fs::path& path, const Header& h, const std::vector<Entry>& entries, const std::string& ids) {
  boost::system::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fs::path tmp = path;
  tmp += fmt::format(".tmp.{}", ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return;
  std::string bytes(reinterpret_cast<const char*>(&h), sizeof h);
  bytes.append(reinterpret_cast<const char*>(entries.data()), entries.size() * sizeof(Entry));
  bytes += ids;
  bool ok = true;
  for (std::size_t done = 0; ok && done < bytes.size();) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) ::unlink(tmp.c_str());
}

enum class Outcome { used, extended, rebuilt, unusable };

// Reads the whole file and makes its segment anew.
Outcome rebuild(Segment& s, const fs::path& root, const struct stat& st, std::vector<LedgerIssue>& issues) {
  unmap_segment(s);
  s.appended.clear();
  auto data = read_from(s.fd, 0);
  if (!data) {
    issues.push_back(unreadable_issue(s.rel, std::strerror(errno)));
    return Outcome::unusable;
  }
  Scan sc = scan(*data, 0, 1, s, false);
  issues.insert(issues.end(), sc.issues.begin(), sc.issues.end());
  if (std::any_of(sc.issues.begin(), sc.issues.end(), [](const LedgerIssue& i) { return i.kind == IssueKind::not_a_ledger; }))
    return Outcome::unusable;
  Header h{};
  h.magic = kMagic;
  h.dev = static_cast<std::uint64_t>(st.st_dev);
  h.ino = static_cast<std::uint64_t>(st.st_ino);
  h.size = sc.covered;
  h.lines = sc.lines;
  // Bytes read past what fstat saw were appended meanwhile; the time goes with the size.
  h.mtime_ns = data->size() == static_cast<std::size_t>(st.st_size) ? mtime_ns(st) : 0;
  std::uint64_t tail_from = h.size > kTailBytes ? h.size - kTailBytes : 0;
  h.tail = sha256(std::string_view(*data).substr(tail_from, h.size - tail_from));
  h.entries = sc.entries.size();
  for (const auto& id : sc.ids) s.built_ids += id + '\n';
  h.ids_bytes = s.built_ids.size();
  h.ids_sha = sha256(s.built_ids);
  s.built_entries = std::move(sc.entries);
  s.header = h;
  s.entries = s.built_entries.data();
  s.count = s.built_entries.size();
  s.ids = s.built_ids;
  write_segment(segment_path(root, s.rel), h, s.built_entries, s.built_ids);
  return Outcome::rebuilt;
}

// Uses the segment when it still describes the file, parsing what was appended after it;
// rebuilds it otherwise.
Outcome bring_up_to_date(Segment& s, const fs::path& root, std::vector<LedgerIssue>& issues) {
  std::string problem;
  s.fd = open_regular_file(root / s.rel, problem);
  if (s.fd < 0) {
    issues.push_back(unreadable_issue(s.rel, problem));
    return Outcome::unusable;
  }
  struct stat st {};
  if (::fstat(s.fd, &st) != 0) {
    issues.push_back(unreadable_issue(s.rel, std::strerror(errno)));
    return Outcome::unusable;
  }
  if (!map_segment(s, segment_path(root, s.rel))) return rebuild(s, root, st, issues);
  const Header& h = s.header;
  auto size = static_cast<std::uint64_t>(st.st_size);
  bool same_file = h.dev == static_cast<std::uint64_t>(st.st_dev) && h.ino == static_cast<std::uint64_t>(st.st_ino);
  bool untouched = size == h.size && h.mtime_ns == mtime_ns(st);
  if (!same_file || size < h.size || (size == h.size && !untouched) || size - h.size > kRebuildAfter)
    return rebuild(s, root, st, issues);
  std::uint64_t tail_from = h.size > kTailBytes ? h.size - kTailBytes : 0;
  std::string tail(h.size - tail_from, '\0');
  if (!pread_all(s.fd, tail.data(), tail.size(), tail_from) || sha256(tail) != h.tail ||
      (h.size > 0 && tail.back() != '\n'))
    return rebuild(s, root, st, issues);
  if (untouched) return Outcome::used;
  auto more = read_from(s.fd, h.size);
  if (!more) return rebuild(s, root, st, issues);
  Scan sc = scan(*more, h.size, static_cast<std::uint32_t>(h.lines + 1), s, true);
  issues.insert(issues.end(), sc.issues.begin(), sc.issues.end());
  s.appended = std::move(sc.events);
  return Outcome::extended;
}

// Parses the line an entry points at into `out`, when that is still a whole line of the
// file (else false). `bytes` is the file's covered part when it was read whole, else empty:
// then the line (and the byte before and after it) is read on its own.
bool read_entry(const Segment& s, const Entry& e, std::string_view bytes, StoredEvent& out) {
  thread_local std::string buf;  // a line read by itself; kept, as a batch reads many
  std::string_view around;  // the byte before the line (or an LF at the start), the line, its LF
  if (!bytes.empty()) {
    if (e.offset + e.length >= bytes.size()) return false;
    if (e.offset == 0) {
      buf.assign(e.length + 2, '\n');  // (not "\n" + the line: g++ 12 warns of overlap, wrongly)
      bytes.copy(buf.data() + 1, e.length + 1);
      around = buf;
    } else {
      around = bytes.substr(e.offset - 1, e.length + 2);
    }
  } else {
    buf.assign(e.length + 2, '\0');
    bool at_start = e.offset == 0;
    if (at_start) buf[0] = '\n';
    if (!pread_all(s.fd, buf.data() + (at_start ? 1 : 0), buf.size() - (at_start ? 1 : 0), e.offset - (at_start ? 0 : 1)))
      return false;
    around = buf;
  }
  if (around.front() != '\n' || around.back() != '\n') return false;
  std::string_view line = around.substr(1, e.length);
  std::size_t body_length = 0;
  if (parse_line_into(line, out.event, body_length)) return false;
  complete_stored_event(out, line, body_length, s.file, e.line);
  return true;
}

// The first entry in [from, end) whose hash is not below h (a segment's entries are sorted
// by hash).
const Entry* first_from(const Entry* from, const Entry* end, std::uint64_t h) {
  return std::lower_bound(from, end, h, [](const Entry& e, std::uint64_t x) { return e.hash < x; });
}

// The first entry in (e, end) whose hash is not below h, given that e's is: in steps of
// 1, 2, 4, ... then a binary search in the last step. A batch asks for thousands of hashes,
// so the next one is usually a few entries on, not half a segment away.
const Entry* gallop_to(const Entry* e, const Entry* end, std::uint64_t h) {
  const Entry* lo = e + 1;
  for (std::size_t step = 1; lo != end; step *= 2) {
    const Entry* last = lo + std::min<std::size_t>(step, static_cast<std::size_t>(end - lo)) - 1;
    if (last->hash >= h)
      return first_from(lo, last + 1, h);
    lo = last + 1;
  }
  return end;
}

// Hits in a segment beyond which reading its file whole is cheaper than a read per line.
constexpr std::size_t kWholeFileHits = 128;

// Values asked at once (or by a batch in all: expect_lookups) from which lookups go through
// the directory. Walking a segment beside the sorted values costs a step per value in
// every segment, so it suits a few values; the directory costs two passes over every entry
// to build (at 250,000 cases, 1.7 million entries: 45 ms on one core, 25 ms on two) and
// then a bucket per value, which a batch of thousands of rows repays many times over.
constexpr std::size_t kDirectoryFrom = 4096;

bool ledger_order(const StoredEvent& a, const StoredEvent& b) {
  if (a.event.case_id != b.event.case_id) return a.event.case_id < b.event.case_id;
  if (a.event.seq != b.event.seq) return a.event.seq < b.event.seq;
  if (a.file != b.file) return a.file < b.file;
  return a.line < b.line;
}

}  // namespace

LedgerIndex::LedgerIndex(const fs::path& root) : root_(root), files_(list_ledger_files(root)) {
  std::size_t n = files_.size();
  segments_.resize(n);
  std::vector<Outcome> outcomes(n, Outcome::unusable);
  std::vector<std::vector<LedgerIssue>> issues(n);
  for (std::size_t i = 0; i < n; ++i) {
    segments_[i] = std::make_unique<Segment>();
    segments_[i]->file = static_cast<std::uint32_t>(i);
    segments_[i]->rel = files_[i];
  }
  // A few files are quicker on one thread than the time it takes to start another.
  on_each(
      n,
      [&](std::size_t i) {
        outcomes[i] = bring_up_to_date(*segments_[i], root_, issues[i]);
        segments_[i]->usable = outcomes[i] != Outcome::unusable;
      },
      {}, 1, n > 8 ? worker_count() : 1);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& issue : issues[i]) issues_.push_back(std::move(issue));
    if (outcomes[i] == Outcome::used) ++stats_.used;
    if (outcomes[i] == Outcome::extended) ++stats_.extended;
    if (outcomes[i] == Outcome::rebuilt) ++stats_.rebuilt;
  }
  if (const char* trace = std::getenv("RMA_INDEX_TRACE"); trace && *trace)
    fmt::print(stderr, "rma: index: {} files: {} used, {} extended, {} rebuilt\n", n, stats_.used, stats_.extended,
               stats_.rebuilt);
}

LedgerIndex::~LedgerIndex() = default;

// Where each entry of every usable segment is, by the top bits of its hash: about two
// entries a bucket, so a value's entries are found by reading its bucket.
struct LedgerIndex::Directory {
  struct Located {
    std::uint64_t hash;
    std::uint32_t segment, entry;
  };
  unsigned shift = 63;                 // a hash's bucket: hash >> shift
  std::vector<std::uint32_t> starts;  // bucket b holds located[starts[b], starts[b + 1])
  std::unique_ptr<Located[]> located;  // by bucket; in segment and entry order within one
};

std::shared_ptr<const LedgerIndex::Directory> LedgerIndex::directory() const {
  std::lock_guard lock(directory_mutex_);
  if (directory_) return directory_;
  auto d = std::make_shared<Directory>();
  std::size_t total = 0;
  for (const auto& s : segments_)
    if (s->usable) total += s->count;
  unsigned bits = 1;
  while (bits < 30 && (std::size_t{1} << bits) < total / 2) ++bits;
  d->shift = 64 - bits;
  std::size_t buckets = std::size_t{1} << bits;
  d->starts.assign(buckets + 1, 0);
  d->located = std::make_unique_for_overwrite<Directory::Located[]>(total);  // every slot is written below
  // Each thread fills a range of buckets, that is a range of hashes: a segment's entries
  // are sorted by hash, so its part of each range is found by a binary search, and the
  // buckets are counted and filled from it without touching the other threads' buckets.
  unsigned threads = worker_count();  // (only a batch of thousands of values builds it)
  on_threads(threads, [&](unsigned t) {
    std::size_t lo = buckets * t / threads, hi = buckets * (t + 1) / threads;
    std::vector<std::pair<const Entry*, const Entry*>> parts(segments_.size());
    std::size_t base = 0;  // entries in the buckets before `lo`
    for (std::size_t si = 0; si < segments_.size(); ++si) {
      const Segment& s = *segments_[si];
      if (!s.usable) continue;
      const Entry* end = s.entries + s.count;
      auto first_at = [&](std::size_t bucket) {
        if (bucket == buckets) return end;
        return first_from(s.entries, end, std::uint64_t{bucket} << d->shift);
      };
      parts[si] = {first_at(lo), first_at(hi)};
      base += static_cast<std::size_t>(parts[si].first - s.entries);
      for (const Entry* e = parts[si].first; e != parts[si].second; ++e) ++d->starts[(e->hash >> d->shift) + 1];
    }
    // starts[lo] is the thread before's; this thread's buckets start at `base`.
    std::vector<std::uint32_t> next(hi - lo);
    std::size_t at = base;
    for (std::size_t b = lo; b < hi; ++b) {
      next[b - lo] = static_cast<std::uint32_t>(at);
      at += d->starts[b + 1];
      d->starts[b + 1] = static_cast<std::uint32_t>(at);
    }
    for (std::size_t si = 0; si < segments_.size(); ++si) {
      if (!segments_[si]->usable) continue;
      const Entry* entries = segments_[si]->entries;
      for (const Entry* e = parts[si].first; e != parts[si].second; ++e)
        d->located[next[(e->hash >> d->shift) - lo]++] = {e->hash, static_cast<std::uint32_t>(si),
                                                          static_cast<std::uint32_t>(e - entries)};
    }
  });
  directory_ = std::move(d);
  return directory_;
}

void LedgerIndex::expect_lookups(std::size_t values) const {
  if (values >= kDirectoryFrom) directory_wanted_ = true;
}

bool LedgerIndex::has_directory() const {
  std::lock_guard lock(directory_mutex_);
  return directory_ != nullptr;
}

void LedgerIndex::drop_directory() const {
  std::lock_guard lock(directory_mutex_);
  directory_.reset();
}

std::vector<std::vector<StoredEvent>> LedgerIndex::lookup(Kind kind, const std::vector<std::string_view>& values, bool all,
                                                          unsigned threads, bool retried) const {
  // The values by hash: each segment's sorted entries are walked once beside them, or,
  // for many values, each value's bucket of the directory is read.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> wanted;
  wanted.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    wanted.emplace_back(hash_of(kind, values[i]), static_cast<std::uint32_t>(i));
  std::sort(wanted.begin(), wanted.end());

  std::size_t n = segments_.size();
  std::vector<std::vector<std::pair<std::uint32_t, StoredEvent>>> found(n);
  std::vector<char> moved(n, 0);  // a line is no longer where the segment points
  if (threads == 0) threads = values.size() >= 64 ? worker_count() : 1;  // a thread costs more than a few lookups
  std::shared_lock reading(guard_);
  // For events appended since a segment was written, which its entries do not cover.
  std::unordered_multimap<std::string_view, std::uint32_t> by_value;
  if (std::any_of(segments_.begin(), segments_.end(), [](const auto& s) { return s->usable && !s->appended.empty(); }))
    for (std::size_t i = 0; i < values.size(); ++i) by_value.emplace(values[i], static_cast<std::uint32_t>(i));
  // The entries that carry what was asked, per segment, with the request they answer.
  std::vector<std::vector<std::pair<const Entry*, std::uint32_t>>> hits(n);
  bool direct = wanted.size() >= kDirectoryFrom || directory_wanted_;
  if (direct) {
    auto d = directory();
    for (const auto& [h, request] : wanted) {
      std::size_t b = h >> d->shift;
      for (std::uint32_t i = d->starts[b]; i < d->starts[b + 1]; ++i) {
        const auto& at = d->located[i];
        if (at.hash != h) continue;
        const Entry* e = segments_[at.segment]->entries + at.entry;
        if (e->kind == static_cast<std::uint32_t>(kind)) hits[at.segment].emplace_back(e, request);
      }
    }
  }
  on_each(n, [&](std::size_t si) {
    const Segment& s = *segments_[si];
    if (!s.usable) return;
    auto& hits_here = hits[si];
    const Entry* e = s.entries;
    const Entry* end = s.entries + s.count;
    for (std::size_t w = 0; !direct && e != end && w < wanted.size();) {
      if (e->hash < wanted[w].first) e = gallop_to(e, end, wanted[w].first);
      else if (wanted[w].first < e->hash) ++w;
      else {
        std::uint64_t h = e->hash;
        std::size_t w_end = w;
        while (w_end < wanted.size() && wanted[w_end].first == h) ++w_end;
        for (; e != end && e->hash == h; ++e)
          if (e->kind == static_cast<std::uint32_t>(kind))
            for (std::size_t k = w; k < w_end; ++k) hits_here.emplace_back(e, wanted[k].second);
        w = w_end;
      }
    }
    // Kept by the thread from file to file and call to call: a batch reads files whole
    // window after window, and fresh buffers would cost a page fault every 4 KiB.
    thread_local std::string whole;
    std::string_view bytes;
    if (hits_here.size() > kWholeFileHits) {
      if (whole.size() < s.header.size) whole.resize(s.header.size);
      if (!pread_all(s.fd, whole.data(), s.header.size, 0)) {
        moved[si] = 1;
        return;
      }
      bytes = std::string_view(whole).substr(0, s.header.size);
    }
    found[si].reserve(hits_here.size());
    for (const auto& [entry, request] : hits_here) {
      // Parsed where it is kept; taken back when it is not what was asked (another value
      // with the same hash).
      StoredEvent& event = found[si].emplace_back(request, StoredEvent{}).second;
      if (!read_entry(s, *entry, bytes, event)) {
        moved[si] = 1;
        return;
      }
      if (!matches(kind, event.event, values[request])) found[si].pop_back();
    }
    for (const auto& a : s.appended)
      if (auto v = value_of(kind, a.event)) {
        auto [from, to] = by_value.equal_range(*v);
        for (auto it = from; it != to; ++it) found[si].emplace_back(it->second, a);
      }
  }, {}, 1, threads);
  reading.unlock();
  std::unique_lock rebuilding(guard_, std::defer_lock);
  for (std::size_t si = 0; si < n; ++si) {
    if (!moved[si]) continue;
    if (!rebuilding) rebuilding.lock();
    // The file no longer holds a line where the segment points: it changed in a way its
    // identity, size and tail did not show. Rebuild the segment and look again, once.
    Segment& s = *segments_[si];
    if (retried) throw Error(ErrorKind::system, s.rel, "changed while it was being read", "retry the command");
    struct stat st {};
    std::vector<LedgerIssue> problems;
    drop_directory();  // it numbers the segment's old entries
    if (::fstat(s.fd, &st) != 0 || rebuild(s, root_, st, problems) != Outcome::rebuilt)
      throw Error(ErrorKind::bad_data, s.rel, problems.empty() ? std::string("cannot be read") : problems.front().message,
                  "`rma check` lists every problem");
  }
  if (rebuilding) {
    rebuilding.unlock();
    return lookup(kind, values, all, threads, true);
  }

  std::vector<std::vector<StoredEvent>> out(values.size());
  std::vector<std::uint32_t> counts(values.size(), 0);  // each answer's size, reserved at once
  for (const auto& per_segment : found)
    for (const auto& hit : per_segment) ++counts[hit.first];
  for (std::size_t i = 0; i < out.size(); ++i) out[i].reserve(counts[i]);
  for (auto& per_segment : found)
    for (auto& [request, event] : per_segment) out[request].push_back(std::move(event));
  for (auto& events : out) {
    // Usually in order already: segments are in file order, a segment's lines in line order.
    if (!std::is_sorted(events.begin(), events.end(), ledger_order)) std::sort(events.begin(), events.end(), ledger_order);
    if (!all && events.size() > 1) events.resize(1);
  }
  return out;
}

std::vector<StoredEvent> LedgerIndex::lookup(Kind kind, std::string_view value, bool all) const {
  return std::move(lookup(kind, std::vector<std::string_view>{value}, all).front());
}

std::vector<std::vector<StoredEvent>> LedgerIndex::lookup_many(Of of, const std::vector<std::string_view>& values,
                                                               unsigned threads) const {
  switch (of) {
    case Of::case_events: return lookup(Kind::case_id, values, true, threads);
    case Of::key: return lookup(Kind::key, values, false, threads);
    case Of::refund_ref: return lookup(Kind::ref, values, false, threads);
    case Of::ext: return lookup(Kind::ext, values, false, threads);
  }
  return {};
}

std::vector<StoredEvent> LedgerIndex::case_events(std::string_view case_id) const {
  return lookup(Kind::case_id, case_id, true);
}

std::optional<StoredEvent> LedgerIndex::find_key(std::string_view key) const {
  auto found = lookup(Kind::key, key, false);
  return found.empty() ? std::nullopt : std::optional(std::move(found.front()));
}

std::optional<StoredEvent> LedgerIndex::find_refund_ref(std::string_view ref) const {
  auto found = lookup(Kind::ref, ref, false);
  return found.empty() ? std::nullopt : std::optional(std::move(found.front()));
}

std::optional<StoredEvent> LedgerIndex::find_ext(std::string_view ext) const {
  auto found = lookup(Kind::ext, ext, false);
  return found.empty() ? std::nullopt : std::optional(std::move(found.front()));
}

std::uint32_t LedgerIndex::highest_counter(std::string_view stem) const {
  std::shared_lock reading(guard_);
  std::uint32_t highest = 0;
  std::uint64_t h = hash_of(Kind::stem, stem);
  auto consider = [&](const std::string& id) {
    if (id.starts_with(stem))
      if (auto parsed = parse_case_id(id)) highest = std::max(highest, parsed->counter);
  };
  for (const auto& sp : segments_) {
    const Segment& s = *sp;
    if (!s.usable) continue;
    // A hash that two stems share can only make the counter skip numbers, never repeat one.
    const Entry* lo = first_from(s.entries, s.entries + s.count, h);
    for (auto it = lo; it != s.entries + s.count && it->hash == h; ++it)
      if (it->kind == static_cast<std::uint32_t>(Kind::stem)) highest = std::max(highest, it->counter);
    for (const auto& e : s.appended) consider(e.event.case_id);
  }
  return highest;
}

std::vector<std::string> LedgerIndex::case_ids() const {
  std::unique_lock rebuilding(guard_);  // it may rebuild a segment
  std::vector<std::string> out;
  for (const auto& sp : segments_) {
    Segment& s = *sp;
    if (!s.usable) continue;
    if (sha256(s.ids) != s.header.ids_sha) {
      struct stat st {};
      std::vector<LedgerIssue> ignored;
      drop_directory();  // it numbers the segment's old entries
      if (::fstat(s.fd, &st) != 0 || rebuild(s, root_, st, ignored) != Outcome::rebuilt) continue;
    }
    for (std::size_t pos = 0; pos < s.ids.size();) {
      std::size_t nl = s.ids.find('\n', pos);
      if (nl == std::string_view::npos) break;
      out.emplace_back(s.ids.substr(pos, nl - pos));
      pos = nl + 1;
    }
    for (const auto& e : s.appended) out.push_back(e.event.case_id);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace rma
