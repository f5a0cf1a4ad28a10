#include "audit.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <regex>
#include <sstream>

#include "error.hpp"
#include "text.hpp"

extern char** environ;

namespace rma {

namespace {

struct GitResult {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs git with `args` in `cwd`; stdout and stderr apart. No shell.
GitResult git(const boost::filesystem::path& cwd, const std::vector<std::string>& args) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
    throw Error(ErrorKind::system, "git", "cannot create a pipe", "");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  std::vector<std::string> argv = {"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargs;
  for (auto& a : argv) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "git", &fa, nullptr, cargs.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  GitResult r;
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    throw Error(ErrorKind::system, "git", "cannot run the git command", "install git (apt-get install git)");
  }
  // Read both pipes; stderr is small, so read stdout to the end first, then stderr.
  char buf[65536];
  ssize_t n;
  while ((n = ::read(out_pipe[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<std::size_t>(n));
  while ((n = ::read(err_pipe[0], buf, sizeof buf)) > 0) r.err.append(buf, static_cast<std::size_t>(n));
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// The parts of `text` between separators (a last separator ends the last part).
std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(separator, pos);
    if (end == std::string::npos) end = text.size();
    parts.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return parts;
}

// The file as of a commit, or nullopt when it does not exist there.
std::optional<std::string> show(const boost::filesystem::path& cwd, const std::string& commit, const std::string& path) {
  GitResult r = git(cwd, {"cat-file", "blob", commit + ":" + path});
  if (r.status != 0) return std::nullopt;
  return r.out;
}

}  // namespace

bool is_ledger_path(const std::string& path) {
  static const std::regex pattern(R"((^|.*/)ledger/[0-9]{4}-[0-9]{2}/[^/]+\.rma$)");
  return std::regex_match(path, pattern);
}

AuditReport audit_history(const boost::filesystem::path& cwd, const std::string& range) {
  GitResult probe = git(cwd, {"rev-parse", "--git-dir"});
  if (probe.status != 0)
    throw Error(ErrorKind::not_found, "git repository", "this folder is not in a git repository",
                "run rma audit inside the ledger's repository (a clone, or the bare repository on the server)");
  std::string spec = range.empty() ? "HEAD" : range;
  if (spec.starts_with("-"))
    throw Error(ErrorKind::usage, fmt::format("revision range '{}'", printable(spec)), "is not a revision range", "such as main~10..main");
  GitResult list = git(cwd, {"rev-list", "--reverse", "--parents", spec, "--"});
  if (list.status != 0)
    throw Error(ErrorKind::not_found, fmt::format("revision range '{}'", printable(spec)),
                list.err.empty() ? "git does not know it" : list.err.substr(0, list.err.find('\n')),
                "give revisions git knows, such as origin/main..HEAD");
  AuditReport report;
  for (const auto& line : split(list.out, '\n')) {
    std::istringstream in(line);
    std::string commit, parent;
    in >> commit;
    if (commit.empty()) continue;
    ++report.commits;
    while (in >> parent) {
      GitResult diff = git(cwd, {"diff", "--no-renames", "--name-status", "-z", parent, commit, "--"});
      if (diff.status != 0) throw Error(ErrorKind::system, "git diff", diff.err, "check the repository with git fsck");
      auto parts = split(diff.out, '\0');
      for (std::size_t i = 0; i + 1 < parts.size(); i += 2) {
        const std::string& status = parts[i];
        const std::string& path = parts[i + 1];
        if (!is_ledger_path(path) || status == "A") continue;
        ++report.file_versions;
        auto before = show(cwd, parent, path);
        if (!before) continue;
        auto after = show(cwd, commit, path);
        if (!after) {
          report.violations.push_back({commit, parent, path, 0, "the ledger file was deleted", ""});
          continue;
        }
        // The parent's committed lines must all still be there, in order: at the start of
        // the file for an ordinary commit, as a subsequence for a merge (a union merge
        // interleaves the two sides' appended lines after their common part).
        auto old_lines = split(*before, '\n');
        auto new_lines = split(*after, '\n');
        bool merge = line.find(' ') != line.rfind(' ');
        std::size_t j = 0;
        for (std::size_t k = 0; k < old_lines.size(); ++k) {
          bool found = false;
          if (merge) {
            while (j < new_lines.size() && new_lines[j] != old_lines[k]) ++j;
            found = j < new_lines.size();
            if (found) ++j;
          } else {
            found = k < new_lines.size() && new_lines[k] == old_lines[k];
          }
          if (!found) {
            bool last_torn = k + 1 == old_lines.size() && !before->empty() && before->back() != '\n';
            report.violations.push_back(
                {commit, parent, path, static_cast<int>(k + 1),
                 last_torn ? "a committed torn last line was removed or completed"
                           : (merge ? "a committed line is missing or out of order after the merge"
                                    : "a committed line was changed, removed or reordered"),
                 old_lines[k]});
            break;
          }
        }
      }
    }
  }
  return report;
}

}  // namespace rma
