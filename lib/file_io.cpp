#include "file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "error.hpp"

namespace rma {

std::string read_text_file(const boost::filesystem::path& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT)
      throw Error(ErrorKind::not_found, fmt::format("{} {}", what, path.string()), "no such file",
                  "check the path; `rma init` creates a workspace");
    throw Error(ErrorKind::system, fmt::format("{} {}", what, path.string()), std::strerror(errno),
                "check the permissions");
  }
  if (!S_ISREG(st.st_mode))
    throw Error(ErrorKind::bad_data, fmt::format("{} {}", what, path.string()), "is not a regular file",
                "replace it with the file it should be");
  if (st.st_size > 64 * 1024 * 1024)
    throw Error(ErrorKind::bad_data, fmt::format("{} {}", what, path.string()), "is larger than 64 MiB",
                "a settings or policy file is never this large; check what it holds");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw Error(errno == EACCES ? ErrorKind::system : ErrorKind::system,
                fmt::format("{} {}", what, path.string()), std::strerror(errno),
                "check the file's permissions (`ls -l`)");
  std::string data(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < data.size()) {
    ssize_t n = ::read(fd, data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  data.resize(got);
  return data;
}

void write_file_durably(const boost::filesystem::path& path, const std::string& contents) {
  std::string tmp = path.string() + fmt::format(".tmp.{}", ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    throw Error(ErrorKind::system, "cannot create " + path.string(), std::strerror(errno),
                "check the permissions of the folder");
  bool ok = ::write(fd, contents.data(), contents.size()) == static_cast<ssize_t>(contents.size()) &&
            ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(tmp.c_str());
    throw Error(ErrorKind::system, "cannot write " + path.string(), std::strerror(err),
                "check free disk space and permissions");
  }
  int dir = ::open(path.parent_path().empty() ? "." : path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace rma
