// Small whole-file helpers for configuration files (not for the ledger, which has its own
// append discipline in ledger_store).
#pragma once

#include <boost/filesystem/path.hpp>

#include <string>

namespace rma {

// Reads a regular file; Error(not_found) when missing, Error(bad_data) when it is a
// folder or unreadable as text, Error(system) on an I/O error. `what` names it for people.
std::string read_text_file(const boost::filesystem::path& path, const std::string& what);

// Writes a new file durably (temporary file, fsync, rename, fsync of the folder).
void write_file_durably(const boost::filesystem::path& path, const std::string& contents);

}  // namespace rma
