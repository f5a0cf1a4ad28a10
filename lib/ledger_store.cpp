#include "ledger_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/filesystem.hpp>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <thread>
#include <unordered_map>

#include "parallel.hpp"
#include "text.hpp"

namespace rma {

namespace {

Error io_error(std::string what, int err, std::string hint = {}) {
  return Error(ErrorKind::system, std::move(what), std::strerror(err),
               hint.empty() ? "check the disk, the permissions and the path, then retry" : std::move(hint));
}

// A file descriptor that closes itself.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

bool is_month_folder(const std::string& name) {
  return name.size() == 7 && name[4] == '-' &&
         std::all_of(name.begin(), name.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
}

// Reads the rest of an open file into `data`, up to `limit` bytes. `expected` bytes (the
// size fstat gave) are read in place; the end of the file is then confirmed through a small
// buffer of its own, so that a file read whole is not copied into a string twice its size
// (as growing `data` past `expected` would), and a file that grew while it was read is
// still read to its end.
bool read_all(int fd, std::size_t expected, std::string& data, std::string& problem, std::size_t limit = SIZE_MAX) {
  auto read_some = [&](char* into, std::size_t n) -> ssize_t {
    while (true) {
      ssize_t r = ::read(fd, into, n);
      if (r >= 0 || errno != EINTR) {
        if (r < 0) problem = std::strerror(errno);
        return r;
      }
    }
  };
  data.resize(std::min(expected, limit));
  std::size_t got = 0;
  while (got < data.size()) {
    ssize_t n = read_some(data.data() + got, data.size() - got);
    if (n < 0) return false;
    if (n == 0) break;  // shrank while we read
    got += static_cast<std::size_t>(n);
  }
  data.resize(got);
  std::array<char, 65536> more;  // grew while we read
  while (got < limit) {
    ssize_t n = read_some(more.data(), std::min(more.size(), limit - got));
    if (n < 0) return false;
    if (n == 0) break;
    data.append(more.data(), static_cast<std::size_t>(n));
    got += static_cast<std::size_t>(n);
  }
  return true;
}

void fsync_dir(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.ok() || ::fsync(fd.get()) != 0) throw io_error("fsync " + dir.string(), errno);
}

}  // namespace

void complete_stored_event(StoredEvent& se, std::string_view line, std::size_t body_length, std::uint32_t file,
                           std::uint32_t line_no) {
  se.body.assign(line.substr(0, body_length));
  se.file = file;
  se.line = line_no;
  se.when = event_time(se.event);
}

StoredEvent stored_event(ParsedLine&& parsed, std::string_view line, std::uint32_t file, std::uint32_t line_no) {
  StoredEvent se;
  se.event = std::move(parsed.event);
  complete_stored_event(se, line, parsed.body_length, file, line_no);
  return se;
}

int open_regular_file(const fs::path& path, std::string& problem) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    problem = std::strerror(errno);
    return -1;
  }
  if (S_ISLNK(st.st_mode)) {
    problem = "is a symbolic link; ledger files must be regular files inside the workspace";
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    problem = "is not a regular file";
    return -1;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) problem = std::strerror(errno);
  return fd;
}

LedgerIssue unreadable_issue(const std::string& rel, const std::string& problem) {
  return {IssueKind::unreadable, {rel, 0, 0, {}}, fmt::format("cannot read {}: {}", rel, problem),
          "restore the file from git (`git checkout -- " + rel + "`)"};
}

LedgerIssue torn_tail_issue(const std::string& rel, std::uint32_t line_no, std::string_view line) {
  return {IssueKind::torn_tail, {rel, static_cast<int>(line_no), 1, std::string(line)},
          "the last line has no newline: a write was cut off (torn tail); it is skipped",
          "`rma check --repair` moves it to .rma/quarantine/"};
}

LedgerIssue format_issue(const std::string& rel, std::uint32_t line_no, std::string_view line, const LineError& error) {
  return {IssueKind::format, {rel, static_cast<int>(line_no), column_of(line, error.byte), std::string(line)},
          error.message, error.hint};
}

LedgerIssue not_a_ledger_issue(const std::string& rel, std::string_view first_line) {
  return {IssueKind::not_a_ledger, {rel, 1, 1, std::string(first_line.substr(0, 200))},
          fmt::format("{} does not start with '{}'", rel, kLedgerHeader),
          "this is not an rma ledger file; move it out of ledger/ or restore it from git"};
}

std::vector<std::string> list_ledger_files(const fs::path& root) {
  std::vector<std::string> out;
  fs::path ledger = root / "ledger";
  boost::system::error_code ec;
  if (!fs::is_directory(ledger, ec)) return out;
  for (fs::directory_iterator month(ledger, ec), end; !ec && month != end; month.increment(ec)) {
    std::string month_name = month->path().filename().string();
    if (!is_month_folder(month_name) || !fs::is_directory(month->path(), ec)) continue;
    for (fs::directory_iterator file(month->path(), ec); !ec && file != end; file.increment(ec)) {
      if (file->path().extension() == ".rma")
        out.push_back("ledger/" + month_name + "/" + file->path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ledger_file_for(std::string_view site, std::string_view month) {
  return fmt::format("ledger/{}/{}.rma", month, site);
}

bool read_regular_file(const fs::path& path, std::string& data, std::string& problem, FileIdentity* identity,
                       std::size_t limit) {
  Fd fd(open_regular_file(path, problem));
  if (!fd.ok()) return false;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    problem = std::strerror(errno);
    return false;
  }
  if (!read_all(fd.get(), static_cast<std::size_t>(st.st_size), data, problem, limit)) return false;
  if (identity) *identity = {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino), data.size()};
  return true;
}

std::optional<std::string> read_regular_file(const fs::path& path, std::string& problem) {
  std::string data;
  if (!read_regular_file(path, data, problem)) return std::nullopt;
  return data;
}

void each_line(std::string_view text, const std::string& rel, std::vector<LedgerIssue>& issues,
               const std::function<void(std::string_view line, std::uint32_t line_no)>& on_line, std::uint32_t first_line) {
  std::uint32_t line_no = first_line - 1;
  std::size_t pos = 0;
  while (pos < text.size()) {
    ++line_no;
    std::size_t nl = text.find('\n', pos);
    bool torn = nl == std::string_view::npos;
    std::string_view line = text.substr(pos, (torn ? text.size() : nl) - pos);
    pos = torn ? text.size() : nl + 1;
    if (torn) {
      issues.push_back(torn_tail_issue(rel, line_no, line));
      break;
    }
    if (line_no == 1) {
      if (line != kLedgerHeader) {
        issues.push_back(not_a_ledger_issue(rel, line));
        break;
      }
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    on_line(line, line_no);
  }
}

void scan_file(const fs::path& root, const std::string& rel, std::string& data, std::vector<LedgerIssue>& issues,
               Event& event, const std::function<void(std::size_t, std::string_view, std::uint32_t)>& on_event) {
  std::string problem;
  if (!read_regular_file(root / rel, data, problem)) {
    issues.push_back(unreadable_issue(rel, problem));
    return;
  }
  each_line(data, rel, issues, [&](std::string_view line, std::uint32_t line_no) {
    std::size_t body_length = 0;
    if (auto err = parse_line_into(line, event, body_length)) {
      issues.push_back(format_issue(rel, line_no, line, *err));
      return;
    }
    on_event(body_length, line, line_no);
  });
}

CaseOrder case_order(const std::vector<std::pair<std::string_view, std::uint32_t>>& keys) {
  // Sorting the records themselves would compare case ids some twenty times each; instead
  // each distinct id is ranked once, the records are placed by rank (stably, so file and
  // line order stays), and only the records of each case are sorted by seq.
  std::size_t n = keys.size();
  std::unordered_map<std::string_view, std::uint32_t> rank_of;
  rank_of.reserve(n / 3);
  std::vector<std::uint32_t> rank(n);
  std::vector<std::string_view> ids;
  for (std::size_t i = 0; i < n; ++i) {
    auto [it, fresh] = rank_of.try_emplace(keys[i].first, static_cast<std::uint32_t>(ids.size()));
    if (fresh) ids.push_back(it->first);
    rank[i] = it->second;
  }
  std::vector<std::uint32_t> by_id(ids.size());
  for (std::uint32_t i = 0; i < by_id.size(); ++i) by_id[i] = i;
  std::sort(by_id.begin(), by_id.end(), [&](std::uint32_t a, std::uint32_t b) { return ids[a] < ids[b]; });
  std::vector<std::uint32_t> sorted_rank(ids.size());
  for (std::uint32_t r = 0; r < by_id.size(); ++r) sorted_rank[by_id[r]] = r;
  std::vector<std::size_t> start(ids.size() + 1, 0);
  for (std::size_t i = 0; i < n; ++i) ++start[sorted_rank[rank[i]] + 1];
  for (std::size_t r = 0; r < ids.size(); ++r) start[r + 1] += start[r];
  std::vector<std::uint32_t> order(n);
  std::vector<std::size_t> fill(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < n; ++i) order[fill[sorted_rank[rank[i]]]++] = static_cast<std::uint32_t>(i);
  for (std::size_t r = 0; r < ids.size(); ++r)
    std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(start[r]), order.begin() + static_cast<std::ptrdiff_t>(start[r + 1]),
                     [&](std::uint32_t a, std::uint32_t b) { return keys[a].second < keys[b].second; });
  return {std::move(order), std::move(start)};
}

namespace {

struct FileParse {
  std::vector<StoredEvent> events;
  std::vector<LedgerIssue> issues;
};

// Parses one ledger file: its events, and its problems as issues.
FileParse parse_file(const fs::path& root, const std::string& rel, std::uint32_t fi) {
  FileParse out;
  std::string data;
  Event parsed;
  scan_file(root, rel, data, out.issues, parsed, [&](std::size_t body_length, std::string_view line, std::uint32_t line_no) {
    out.events.push_back(stored_event({std::move(parsed), body_length}, line, fi, line_no));
  });
  return out;
}

// Merges the files' events into (case, seq, file, line) order.
std::vector<StoredEvent> order_by_case(std::vector<FileParse>& parsed) {
  std::vector<StoredEvent*> all;
  std::vector<std::pair<std::string_view, std::uint32_t>> keys;
  for (auto& p : parsed)
    for (auto& e : p.events) {
      all.push_back(&e);
      keys.emplace_back(e.event.case_id, e.event.seq);
    }
  std::vector<StoredEvent> out;
  out.reserve(all.size());
  for (std::uint32_t i : case_order(keys).order) out.push_back(std::move(*all[i]));
  return out;
}

}  // namespace

Ledger read_ledger(const fs::path& root, const ProgressFn& progress) {
  Ledger ledger;
  ledger.files = list_ledger_files(root);
  std::size_t n = ledger.files.size();
  std::vector<FileParse> parsed(n);
  // Files are independent: parse them on every core, then merge in file order.
  on_each(n, [&](std::size_t i) { parsed[i] = parse_file(root, ledger.files[i], static_cast<std::uint32_t>(i)); }, progress);
  for (auto& p : parsed)
    for (auto& i : p.issues) ledger.issues.push_back(std::move(i));
  ledger.events = order_by_case(parsed);
  return ledger;
}

std::vector<const StoredEvent*> Ledger::case_events(std::string_view case_id) const {
  std::vector<const StoredEvent*> out;
  auto lo = std::lower_bound(events.begin(), events.end(), case_id,
                             [](const StoredEvent& e, std::string_view id) { return e.event.case_id < id; });
  for (auto it = lo; it != events.end() && it->event.case_id == case_id; ++it) out.push_back(&*it);
  return out;
}

std::vector<std::string> Ledger::case_ids() const {
  std::vector<std::string> out;
  for (const auto& e : events)
    if (out.empty() || out.back() != e.event.case_id) out.push_back(e.event.case_id);
  return out;
}

std::vector<std::size_t> Ledger::time_order() const {
  std::vector<std::size_t> order(events.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = events[a];
    const auto& y = events[b];
    if (x.when != y.when) return x.when < y.when;
    if (x.event.case_id != y.event.case_id) return x.event.case_id < y.event.case_id;
    return x.event.seq < y.event.seq;
  });
  return order;
}

std::string Ledger::location(const StoredEvent& e) const {
  return fmt::format("{}:{}", files[e.file], e.line);
}

// ---------------------------------------------------------------------------------------

std::chrono::milliseconds lock_timeout() {
  if (const char* env = std::getenv("RMA_LOCK_TIMEOUT")) {
    char* end = nullptr;
    double seconds = std::strtod(env, &end);
    if (end != env && seconds >= 0 && seconds < 86400)
      return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
  }
  return std::chrono::seconds(30);
}

WorkspaceLock::WorkspaceLock(const fs::path& root, std::chrono::milliseconds timeout) {
  fs::path dir = root / ".rma";
  boost::system::error_code ec;
  fs::create_directories(dir, ec);
  fs::path path = dir / "lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0) throw io_error("cannot open the workspace lock " + path.string(), errno);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int err = errno;
      ::close(fd_);
      throw io_error("cannot lock the workspace", err);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd_);
      throw Error(ErrorKind::system, "workspace is locked",
                  fmt::format("another rma process held {} for over {} ms", path.string(), timeout.count()),
                  "retry; if no rma is running, something else holds the lock (see `fuser .rma/lock`)");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

WorkspaceLock::~WorkspaceLock() {
  if (fd_ >= 0) {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

std::optional<std::string> quarantine_torn_tail(const fs::path& root, const std::string& rel_file) {
  fs::path path = root / rel_file;
  Fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.ok()) throw io_error("cannot open " + rel_file, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw io_error("cannot stat " + rel_file, errno);
  if (st.st_size == 0) return std::nullopt;
  // Find the last LF, scanning backwards in blocks.
  off_t size = st.st_size;
  off_t keep = 0;
  std::string block;
  for (off_t end = size; end > 0;) {
    off_t start = std::max<off_t>(0, end - 65536);
    block.resize(static_cast<std::size_t>(end - start));
    if (::pread(fd.get(), block.data(), block.size(), start) != static_cast<ssize_t>(block.size()))
      throw io_error("cannot read " + rel_file, errno);
    if (end == size && !block.empty() && block.back() == '\n') return std::nullopt;
    std::size_t nl = block.rfind('\n');
    if (nl != std::string::npos) {
      keep = start + static_cast<off_t>(nl) + 1;
      break;
    }
    end = start;
  }
  std::string tail(static_cast<std::size_t>(size - keep), '\0');
  if (::pread(fd.get(), tail.data(), tail.size(), keep) != static_cast<ssize_t>(tail.size()))
    throw io_error("cannot read " + rel_file, errno);

  fs::path qdir = root / ".rma" / "quarantine";
  boost::system::error_code ec;
  fs::create_directories(qdir, ec);
  std::string flat = rel_file;
  std::replace(flat.begin(), flat.end(), '/', '_');
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::string stamp = date::format("%Y%m%dT%H%M%S", now);
  std::replace(stamp.begin(), stamp.end(), '.', '_');
  fs::path qpath = qdir / fmt::format("{}.{}.{}.torn", flat, stamp, ::getpid());
  {
    Fd q(::open(qpath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!q.ok()) throw io_error("cannot create " + qpath.string(), errno);
    if (::write(q.get(), tail.data(), tail.size()) != static_cast<ssize_t>(tail.size()) ||
        ::fsync(q.get()) != 0)
      throw io_error("cannot write " + qpath.string(), errno);
  }
  fsync_dir(qdir);
  // Only now that the bytes are safe elsewhere is the tail cut from the ledger file.
  if (::ftruncate(fd.get(), keep) != 0 || ::fsync(fd.get()) != 0)
    throw io_error("cannot cut the torn tail from " + rel_file, errno);
  return (fs::path(".rma") / "quarantine" / qpath.filename()).string();
}

AppendResult append_lines(const fs::path& root, const std::string& rel_file, std::string_view lines) {
  AppendResult result;
  fs::path path = root / rel_file;
  fs::path dir = path.parent_path();
  boost::system::error_code ec;
  bool new_dir = !fs::exists(dir, ec);
  if (new_dir) {
    fs::create_directories(dir, ec);
    if (ec) throw Error(ErrorKind::system, "cannot create " + dir.string(), ec.message(),
                        "check the permissions of the workspace");
    fsync_dir(dir.parent_path());
  }
  struct stat st {};
  bool exists = ::lstat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode))
    throw Error(ErrorKind::system, "cannot append to " + rel_file,
                S_ISLNK(st.st_mode) ? "it is a symbolic link, not a ledger file" : "it is not a regular file",
                "restore the file from git; ledger files are plain files inside the workspace");
  if (exists && st.st_size > 0) {
    if (auto moved = quarantine_torn_tail(root, rel_file))
      result.warnings.push_back(fmt::format(
          "{} ended in a torn line from an interrupted write; moved it to {}", rel_file, *moved));
  }
  Fd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd.ok()) throw io_error("cannot open " + rel_file + " for appending", errno);
  if (::fstat(fd.get(), &st) != 0) throw io_error("cannot stat " + rel_file, errno);
  off_t old_size = st.st_size;
  // A new file's header and the lines in one write, without copying the lines (a batch's
  // can be tens of megabytes).
  static const std::string header = std::string(kLedgerHeader) + "\n";
  std::array<iovec, 2> parts{iovec{const_cast<char*>(header.data()), header.size()},
                             iovec{const_cast<char*>(lines.data()), lines.size()}};
  std::span<iovec> to_write = old_size == 0 ? std::span(parts) : std::span(parts).subspan(1);
  std::size_t size = 0;
  for (const auto& part : to_write) size += part.iov_len;
  ssize_t n;
  do {
    n = ::writev(fd.get(), to_write.data(), static_cast<int>(to_write.size()));
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(size)) {
    int err = n < 0 ? errno : ENOSPC;
    // Take back whatever part of our own, unacknowledged bytes did land.
    if (::ftruncate(fd.get(), old_size) == 0) ::fsync(fd.get());
    throw io_error("cannot append to " + rel_file, err,
                   "nothing was recorded; free disk space (or raise the file size limit) and retry");
  }
  if (::fsync(fd.get()) != 0) {
    int err = errno;
    if (::ftruncate(fd.get(), old_size) == 0) ::fsync(fd.get());
    throw io_error("cannot sync " + rel_file + " to disk", err, "nothing was recorded; retry");
  }
  if (old_size == 0) fsync_dir(dir);
  return result;
}

}  // namespace rma
