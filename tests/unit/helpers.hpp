// Shared helpers for the unit tests: temporary workspaces and file access.
#pragma once

#include <boost/filesystem.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "workspace.hpp"

namespace rma::test {

class TempDir {
 public:
  TempDir() {
    path_ = boost::filesystem::temp_directory_path() /
            boost::filesystem::unique_path("rma-test-%%%%-%%%%-%%%%");
    boost::filesystem::create_directories(path_);
  }
  ~TempDir() {
    boost::system::error_code ec;
    boost::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const boost::filesystem::path& path() const { return path_; }

 private:
  boost::filesystem::path path_;
};

inline std::string slurp(const boost::filesystem::path& p) {
  std::ifstream in(p.string(), std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void spit(const boost::filesystem::path& p, const std::string& text) {
  boost::filesystem::create_directories(p.parent_path());
  std::ofstream out(p.string(), std::ios::binary | std::ios::trunc);
  out << text;
}

// A workspace with site SH and operators alice (operator) and wang (supervisor).
inline boost::filesystem::path make_workspace(const TempDir& dir, const std::string& site = "SH") {
  auto root = dir.path() / "ws";
  init_workspace({root, site, false, std::string("wang")});
  std::string settings = slurp(root / "rma.toml");
  auto pos = settings.find("wang = ");
  settings.insert(pos, "alice = { role = \"operator\" }\n");
  spit(root / "rma.toml", settings);
  return root;
}

}  // namespace rma::test
