#include "journal.hpp"

#include <fmt/format.h>
#include <map>

namespace rma {

Journal::Journal(boost::filesystem::path root, std::string site, Zone zone)
    : root_(std::move(root)), site_(std::move(site)), zone_(zone), lock_(root_, lock_timeout()),
      ledger_(read_ledger(root_)) {}

std::string Journal::next_case_id(const std::string& prefix, Instant opened,
                                  const std::vector<std::string>& pending) const {
  std::string day = date::format("%y%m%d", std::chrono::floor<date::days>(to_local(opened, zone_)));
  std::uint32_t highest = 0;
  auto consider = [&](const std::string& text) {
    if (auto id = parse_case_id(text); id && id->prefix == prefix && id->date == day && id->site == site_)
      highest = std::max(highest, id->counter);
  };
  for (const auto& id : ledger_.case_ids()) consider(id);
  for (const auto& id : pending) consider(id);
  return format_case_id({prefix, day, site_, highest + 1});
}

AppendOutcome Journal::append(std::vector<Draft> drafts, bool dry_run) {
  struct Head {
    std::uint32_t seq = 0;
    std::vector<std::string> hashes;  // more than one: a fork at the head
  };
  std::map<std::string, Head> heads;
  auto head_of = [&](const std::string& case_id) -> Head& {
    auto it = heads.find(case_id);
    if (it != heads.end()) return it->second;
    Head h;
    for (const StoredEvent* e : ledger_.case_events(case_id)) {
      if (e->event.seq > h.seq) {
        h.seq = e->event.seq;
        h.hashes.clear();
      }
      if (e->event.seq == h.seq &&
          std::find(h.hashes.begin(), h.hashes.end(), e->event.hash) == h.hashes.end())
        h.hashes.push_back(e->event.hash);
    }
    return heads.emplace(case_id, std::move(h)).first->second;
  };

  AppendOutcome outcome;
  std::map<std::string, std::string> bytes_by_file;
  std::vector<std::string> file_order;
  for (Draft& d : drafts) {
    Head& head = head_of(d.case_id);
    std::string previous(kZeroHash);
    if (d.action == "open") {
      if (head.seq != 0)
        throw Error(ErrorKind::conflict, "case " + d.case_id, "already exists",
                    "open gives every case a new id; use the existing case");
    } else {
      if (head.seq == 0)
        throw Error(ErrorKind::not_found, "case " + d.case_id, "is not in the ledger",
                    "check the id (`rma list`); `rma open` creates a case");
      if (d.chain_from) {
        if (std::find(head.hashes.begin(), head.hashes.end(), *d.chain_from) == head.hashes.end())
          throw Error(ErrorKind::conflict, "case " + d.case_id,
                      fmt::format("{} is not the hash of an event at the head of the case", *d.chain_from),
                      "`rma show " + d.case_id + "` lists the branches of the fork with their hashes");
        previous = *d.chain_from;
      } else if (head.hashes.size() > 1) {
        throw Error(ErrorKind::conflict, "case " + d.case_id,
                    fmt::format("has a fork: {} different events with seq {}", head.hashes.size(), head.seq),
                    "decide which stands with `rma resolve " + d.case_id + " --keep HASH --why TEXT`");
      } else {
        previous = head.hashes.front();
      }
    }
    Event e;
    e.recorded = d.recorded;
    e.case_id = d.case_id;
    e.seq = head.seq + 1;
    e.action = d.action;
    e.fields = std::move(d.fields);
    e.by = d.by;
    std::string line = seal_event(e, previous);
    if (line.size() > kMaxLineBytes)
      throw Error(ErrorKind::usage, "event for " + d.case_id, "would be longer than 64 KiB",
                  "shorten the free text");
    head.seq = e.seq;
    head.hashes = {e.hash};
    std::string month = date::format("%Y-%m", std::chrono::floor<date::days>(to_local(e.recorded, zone_)));
    std::string file = ledger_file_for(site_, month);
    if (!bytes_by_file.contains(file)) file_order.push_back(file);
    bytes_by_file[file] += line;
    outcome.events.push_back({std::move(e), std::move(line), file});
  }
  if (dry_run) return outcome;
  for (const auto& file : file_order) {
    AppendResult r = append_lines(root_, file, bytes_by_file[file]);
    outcome.warnings.insert(outcome.warnings.end(), r.warnings.begin(), r.warnings.end());
  }
  return outcome;
}

}  // namespace rma
