#include "workspace.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>

#include "default_policy.hpp"
#include "error.hpp"
#include "file_io.hpp"
#include "ledger_line.hpp"
#include "text.hpp"

extern char** environ;

namespace rma {

namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

void check_site_code(const std::string& site, const std::string& source) {
  if (!is_site_code(site))
    throw Error(ErrorKind::usage, fmt::format("site code '{}'", printable(site)),
                fmt::format("from {} is not 1 to 8 upper-case letters or digits", source),
                "use a short code such as SH, BJ2 or WH01");
}

}  // namespace

fs::path find_workspace(const std::optional<std::string>& dir_flag, const fs::path& cwd) {
  boost::system::error_code ec;
  auto explicit_dir = dir_flag ? dir_flag : env("RMA_DIR");
  if (explicit_dir) {
    std::string source = dir_flag ? "--dir" : "$RMA_DIR";
    fs::path dir = fs::absolute(*explicit_dir, cwd);
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
      throw Error(ErrorKind::usage, fmt::format("{} {}", source, *explicit_dir), "is a file, not a folder",
                  "give the workspace folder, the one holding rma.toml");
    if (!fs::is_regular_file(dir / "rma.toml", ec))
      throw Error(ErrorKind::not_found, fmt::format("{} {}", source, *explicit_dir), "holds no rma.toml",
                  "create a workspace there with `rma init " + *explicit_dir + " --site CODE`");
    return fs::canonical(dir, ec);
  }
  for (fs::path dir = cwd; !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / "rma.toml", ec)) return dir;
    if (dir == dir.root_path()) break;
  }
  throw Error(ErrorKind::not_found, "no rma workspace",
              fmt::format("neither {} nor any folder above it holds rma.toml", cwd.string()),
              "cd into a workspace, pass --dir DIR, set RMA_DIR, or create one with `rma init DIR --site CODE`");
}

std::optional<std::string> read_site(const fs::path& root) {
  fs::path path = root / ".rma" / "site";
  boost::system::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  std::string text = read_text_file(path, "site file");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  if (!is_site_code(text))
    throw Error(ErrorKind::bad_data, ".rma/site", fmt::format("'{}' is not a site code", printable(text)),
                "write this clone's code (such as SH) into .rma/site, or run `rma init --site CODE`");
  return text;
}

std::string resolve_site(const fs::path& root, const std::optional<std::string>& site_flag) {
  auto requested = site_flag ? site_flag : env("RMA_SITE");
  std::string source = site_flag ? "--site" : "$RMA_SITE";
  auto stored = read_site(root);
  if (stored) {
    if (requested && *requested != *stored)
      throw Error(ErrorKind::usage, fmt::format("site {}", *requested),
                  fmt::format("this clone is site {} (.rma/site), and {} says {}", *stored, source, *requested),
                  "drop " + source + "; each clone writes as its own site only");
    return *stored;
  }
  if (!requested)
    throw Error(ErrorKind::usage, "no site code for this clone", ".rma/site is missing",
                "run `rma init --site CODE` in this clone (each clone needs its own code)");
  check_site_code(*requested, source);
  boost::system::error_code ec;
  fs::create_directories(root / ".rma", ec);
  write_file_durably(root / ".rma" / "site", *requested + "\n");
  return *requested;
}

std::string_view default_policy_text() { return kDefaultPolicyText; }

namespace {

std::string settings_template(const std::optional<std::string>& supervisor) {
  std::string ops = supervisor ? fmt::format("{} = {{ role = \"supervisor\" }}\n", *supervisor)
                               : std::string("# alice = { role = \"operator\" }\n# wang = { role = \"supervisor\" }\n");
  return fmt::format(R"(# rma workspace settings (see rma(1) and DESIGN §5)
[workspace]
prefix = "RMA"                  # case ids: RMA-261123-SH-0042
timezone = "Asia/Shanghai"      # dates of case ids and month files; TIME without an offset

[operators]                     # who may record events (--by or $RMA_OPERATOR)
{}
[privacy]
contact_details = "masked"      # masked | allowed | refused: phone numbers given to open --phone

[git]
commit = false                  # true: each writer commits its own line
)",
                     ops);
}

}  // namespace

InitResult init_workspace(const InitRequest& request) {
  check_site_code(request.site, "--site");
  if (request.supervisor && (!is_ascii_lower_word(*request.supervisor) || request.supervisor->size() > kMaxCodeBytes))
    throw Error(ErrorKind::usage, fmt::format("operator '{}'", printable(*request.supervisor)),
                "operator names are lower-case words", "use letters, digits, - and _, such as alice");
  boost::system::error_code ec;
  InitResult result;
  fs::path dir = fs::absolute(request.dir).lexically_normal();
  if (dir.filename() == ".") dir = dir.parent_path();
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw Error(ErrorKind::usage, "init " + request.dir.string(), "is a file, not a folder",
                "give a folder for the new workspace");
  result.root = dir;

  if (fs::exists(dir / "rma.toml", ec)) {
    // A fresh clone of an existing workspace: set this clone's site, touch nothing else.
    auto stored = read_site(dir);
    if (stored && *stored != request.site)
      throw Error(ErrorKind::conflict, "init " + dir.string(),
                  fmt::format("this workspace already exists and this clone is site {}", *stored),
                  "a clone keeps its site code; make a new clone for another site");
    if (!stored) {
      fs::create_directories(dir / ".rma", ec);
      write_file_durably(dir / ".rma" / "site", request.site + "\n");
      result.files.push_back(".rma/site");
    }
    return result;
  }
  if (fs::exists(dir / "ledger", ec) || fs::exists(dir / "policies", ec))
    throw Error(ErrorKind::conflict, "init " + dir.string(),
                "the folder already holds ledger/ or policies/ but no rma.toml",
                "restore rma.toml from git, or choose an empty folder");

  for (const char* sub : {"", "ledger", "policies", "policies/archive", ".rma", ".rma/quarantine"}) {
    fs::create_directories(dir / sub, ec);
    if (ec)
      throw Error(ErrorKind::system, "cannot create " + (dir / sub).string(), ec.message(),
                  "check the permissions of the parent folder");
  }
  auto write = [&](const std::string& rel, const std::string& text) {
    write_file_durably(dir / rel, text);
    result.files.push_back(rel);
  };
  write("policies/default.toml", std::string(default_policy_text()));
  write(".gitattributes", "# ledger files are append-only: a union merge keeps both sides' lines\nledger/**/*.rma merge=union\n");
  write(".gitignore", "# local to this clone: site code, caches, lock, quarantine\n.rma/\n");
  write("ledger/.keep", "");
  write("policies/archive/.keep", "");
  write(".rma/site", request.site + "\n");
  // rma.toml last: its presence is what marks a finished workspace.
  write("rma.toml", settings_template(request.supervisor));
  result.created = true;

  if (request.git) {
    std::string out;
    if (run_program({"git", "init", "-q"}, dir, &out) != 0)
      throw Error(ErrorKind::system, "git init", out.empty() ? "failed" : out, "is git installed?");
    run_program({"git", "add", "rma.toml", "policies", "ledger", ".gitattributes", ".gitignore"}, dir, &out);
    int rc = run_program({"git", "-c", "user.name=rma", "-c", "user.email=rma@localhost", "commit", "-q",
                          "-m", "rma: init workspace (site " + request.site + ")"},
                         dir, &out);
    if (rc != 0) throw Error(ErrorKind::system, "git commit", out, "check `git status` in the workspace");
  }
  return result;
}

std::string resolve_operator(const Settings& settings, const std::optional<std::string>& by_flag) {
  auto by = by_flag ? by_flag : env("RMA_OPERATOR");
  if (!by)
    throw Error(ErrorKind::policy, "no operator", "every event names who recorded it",
                "pass --by NAME or set RMA_OPERATOR");
  if (!settings.operators.contains(*by)) {
    std::vector<std::string> names;
    for (const auto& [name, role] : settings.operators) names.push_back(name);
    auto suggestion = closest_match(*by, names);
    throw Error(ErrorKind::policy, fmt::format("operator '{}'", printable(*by)), "is not listed in rma.toml",
                suggestion ? fmt::format("did you mean '{}'? Otherwise add [operators] {} = {{ role = \"operator\" }}",
                                         *suggestion, printable(*by))
                           : fmt::format("add it under [operators] in rma.toml: {} = {{ role = \"operator\" }}",
                                         printable(*by)));
  }
  return *by;
}

Instant resolve_now(const std::optional<std::string>& now_flag, Zone zone) {
  auto text = now_flag ? now_flag : env("RMA_NOW");
  if (text) return parse_time(*text, zone);
  return std::chrono::floor<Millis>(std::chrono::system_clock::now());
}

int run_program(const std::vector<std::string>& argv, const fs::path& cwd, std::string* output) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], 2);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipefd[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(pipefd[0]);
  if (output) *output = out;
  if (rc != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace rma
