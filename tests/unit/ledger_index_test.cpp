#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <fmt/format.h>

#include "helpers.hpp"
#include "journal.hpp"
#include "ledger_index.hpp"

using namespace rma;
using rma::test::TempDir;

namespace {

Zone shanghai() { return find_zone("Asia/Shanghai"); }
Instant t(const char* text) { return parse_time(text, shanghai()); }

Draft open_draft(const std::string& id, Instant at, std::string ext) {
  return {id, "open", {{"kind", "complaint"}, {"order", "SO-1"}, {"reason", "other"}, {"channel", "web"}, {"ext", std::move(ext)}},
          "alice", at, std::nullopt};
}
Draft note_draft(const std::string& id, Instant at, std::string text, std::string key = {}) {
  std::vector<Field> f = {{"note", std::move(text)}};
  if (!key.empty()) f.push_back({"key", std::move(key)});
  return {id, "note", std::move(f), "alice", at, std::nullopt};
}
Draft refund_draft(const std::string& id, Instant at, std::string ref) {
  return {id, "refund", {{"amount", "1.00"}, {"currency", "CNY"}, {"ref", std::move(ref)}}, "alice", at, std::nullopt};
}

// Three cases over two sites and two months, with keys, refunds and external ids.
std::vector<std::string> fill(const fs::path& root) {
  std::vector<std::string> ids;
  for (const char* site : {"SH", "BJ"}) {
    for (int i = 0; i < 3; ++i) {
      Journal j(root, site, shanghai());  // one per command, as writers do
      std::string id = j.next_case_id("RMA", t("2026-11-20 10:00"));
      j.append({open_draft(id, t("2026-11-20 10:00"), fmt::format("EXT-{}-{}", site, i)),
                note_draft(id, t("2026-11-21 10:00"), "第一 note", fmt::format("K-{}-{}", site, i)),
                refund_draft(id, t("2026-12-01 10:00"), fmt::format("R-{}-{}", site, i))},
               false);
      ids.push_back(id);
    }
  }
  return ids;
}

// The cases asked all at once give the events reading every file gives, for a case asked
// twice and one that does not exist too. With `many_values`, thousands of ids that are not
// there come first: so many values go through the index's directory instead of a walk
// beside every segment.
void check_batch(const Ledger& ledger, const LedgerIndex& index, const std::vector<std::string>& ids, bool many_values) {
  std::vector<std::string> absent;
  if (many_values)
    for (int i = 0; i < 5000; ++i) absent.push_back(fmt::format("RMA-261120-GZ-{:04}", i));
  std::vector<std::string_view> asked(absent.begin(), absent.end());
  asked.insert(asked.end(), ids.begin(), ids.end());
  asked.push_back(ids.front());
  asked.push_back("RMA-261120-SH-0099");
  auto many = index.lookup_many(LedgerIndex::Of::case_events, asked);
  REQUIRE(many.size() == asked.size());
  for (std::size_t k = 0; k < asked.size(); ++k) {
    auto want = ledger.case_events(asked[k]);
    REQUIRE(many[k].size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      CHECK(many[k][i].event == want[i]->event);
      CHECK(many[k][i].body == want[i]->body);
      CHECK(many[k][i].file == want[i]->file);
      CHECK(many[k][i].line == want[i]->line);
    }
  }
}

// Each case's events as the index gives them one case at a time, as reading every file does.
void check_case_events(const Ledger& ledger, const LedgerIndex& index, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    auto want = ledger.case_events(id);
    auto got = index.case_events(id);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].event == want[i]->event);
      CHECK(got[i].body == want[i]->body);
      CHECK(got[i].file == want[i]->file);
      CHECK(got[i].line == want[i]->line);
      CHECK(got[i].when == want[i]->when);
    }
  }
}

// A copy of the first event line of a file put before it (by hand, behind the lock's
// back): every line after it moves, and a rebuilt segment has one entry more.
void copy_first_event_line(const fs::path& file) {
  std::string text = test::slurp(file);
  std::size_t first = text.find('\n') + 1;
  text.insert(first, text.substr(first, text.find('\n', first) + 1 - first));
  test::spit(file, text);
}

// The index answers exactly what reading every file answers.
void check_same_answers(const fs::path& root, const LedgerIndex& index, const std::vector<std::string>& ids,
                        bool directory_first = true) {
  Ledger ledger = read_ledger(root);
  // Asked all at once first, so that a segment found wrong is rebuilt on this path: through
  // the directory, then by the walk (or the other way round).
  check_batch(ledger, index, ids, directory_first);
  check_batch(ledger, index, ids, !directory_first);
  std::vector<std::string> keys = {"K-none"}, refs = {"K-SH-0"}, exts = {"EXT-XX"};
  for (const auto& e : ledger.events) {
    if (auto key = e.event.find("key")) keys.push_back(*key);
    if (e.event.action == "refund") refs.push_back(e.event.get("ref"));
    if (e.event.action == "open" && e.event.find("ext")) exts.push_back(e.event.get("ext"));
  }
  for (auto [of, values] : {std::pair{LedgerIndex::Of::key, &keys}, std::pair{LedgerIndex::Of::refund_ref, &refs},
                            std::pair{LedgerIndex::Of::ext, &exts}}) {
    std::vector<std::string_view> v(values->begin(), values->end());
    auto answers = index.lookup_many(of, v);
    for (std::size_t k = 0; k < v.size(); ++k) {
      auto one = of == LedgerIndex::Of::key ? index.find_key(v[k]) : of == LedgerIndex::Of::ext ? index.find_ext(v[k]) : index.find_refund_ref(v[k]);
      REQUIRE(answers[k].size() == (one ? 1u : 0u));
      if (one) CHECK(answers[k].front().event == one->event);
    }
    CHECK(answers.front().empty());  // the value that is not there
  }
  CHECK(index.files() == ledger.files);
  CHECK(index.case_ids() == ledger.case_ids());
  check_case_events(ledger, index, ids);
  for (const auto& e : ledger.events) {
    if (auto key = e.event.find("key")) {
      auto hit = index.find_key(*key);
      REQUIRE(hit);
      CHECK(hit->event == e.event);
    }
    if (e.event.action == "refund") {
      auto hit = index.find_refund_ref(e.event.get("ref"));
      REQUIRE(hit);
      CHECK(hit->event == e.event);
    }
    if (e.event.action == "open" && e.event.find("ext")) {
      auto hit = index.find_ext(e.event.get("ext"));
      REQUIRE(hit);
      CHECK(hit->event.case_id == e.event.case_id);
    }
  }
  CHECK_FALSE(index.find_key("K-none"));
  CHECK_FALSE(index.find_refund_ref("K-SH-0"));  // a key, not a refund reference
  CHECK(index.highest_counter("RMA-261120-SH-") == 3);
  CHECK(index.highest_counter("RMA-261120-GZ-") == 0);
}

// An index built from scratch, so its segments cover every byte there is.
void index_from_scratch(const fs::path& root) {
  fs::remove_all(root / ".rma/index");
  LedgerIndex index(root);
  CHECK(index.stats().rebuilt == index.files().size());
}

void append_raw(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file.string(), std::ios::binary | std::ios::app);
  out << bytes;
}

}  // namespace

TEST_CASE("the index answers as the files do, and is reused while they do not change") {
  TempDir dir;
  auto root = test::make_workspace(dir);
  auto ids = fill(root);
  {
    LedgerIndex index(root);  // the writers' index, extended by what they appended
    CHECK(index.stats().extended == 4);
    check_same_answers(root, index, ids);
  }
  index_from_scratch(root);
  LedgerIndex again(root);
  CHECK(again.stats().used == 4);
  CHECK(again.stats().rebuilt == 0);
  check_same_answers(root, again, ids);
}

TEST_CASE("bytes appended by a writer are read on top of the segment") {
  TempDir dir;
  auto root = test::make_workspace(dir);
  auto ids = fill(root);
  index_from_scratch(root);
  {
    Journal j(root, "SH", shanghai());
    j.append({note_draft(ids[0], t("2026-12-02 10:00"), "later", "K-late")}, false);
  }
  LedgerIndex index(root);
  CHECK(index.stats().extended == 1);
  CHECK(index.stats().rebuilt == 0);
  CHECK(index.case_events(ids[0]).size() == 4);
  CHECK(index.find_key("K-late"));
  check_same_answers(root, index, ids);
}

TEST_CASE("a file changed behind the index's back is indexed again, never trusted") {
  TempDir dir;
  auto root = test::make_workspace(dir);
  auto ids = fill(root);
  fs::path file = root / "ledger/2026-11/SH.rma";
  index_from_scratch(root);
  std::string original = test::slurp(file);

  SUBCASE("replaced by a longer copy, as git pull does (a new inode)") {
    std::string longer;
    {
      Journal j(root, "SH", shanghai());
      j.append({note_draft(ids[1], t("2026-11-22 10:00"), "from the other clone")}, false);
      longer = test::slurp(file);
    }
    test::spit(file, original);
    index_from_scratch(root);
    fs::path fresh = root / "ledger/2026-11/SH.rma.new";
    test::spit(fresh, longer);
    fs::rename(fresh, file);
    LedgerIndex index(root);
    CHECK(index.stats().rebuilt == 1);
    CHECK(index.case_events(ids[1]).size() == 4);
    check_same_answers(root, index, ids);
  }
  SUBCASE("truncated") {
    std::string shorter = original.substr(0, original.rfind('\n', original.size() - 2) + 1);
    fs::resize_file(file, shorter.size());
    LedgerIndex index(root);
    CHECK(index.stats().rebuilt == 1);
    check_same_answers(root, index, ids);
  }
  SUBCASE("edited in place, same size") {
    std::string edited = original;
    auto pos = edited.find("ext=EXT-SH-1");
    REQUIRE(pos != std::string::npos);
    edited[pos + 11] = '7';
    std::ofstream(file.string(), std::ios::binary | std::ios::in | std::ios::out) << edited;
    LedgerIndex index(root);
    CHECK(index.stats().rebuilt == 1);
    CHECK_FALSE(index.find_ext("EXT-SH-1"));
    CHECK(index.find_ext("EXT-SH-7"));
  }
  SUBCASE("edited in place with its time put back: the lines are read again, so the answer follows the file") {
    struct stat before {};
    REQUIRE(::stat(file.c_str(), &before) == 0);
    std::string edited = original;
    auto pos = edited.find("ext=EXT-SH-0");
    REQUIRE(pos != std::string::npos);
    edited[pos + 11] = '9';
    std::ofstream(file.string(), std::ios::binary | std::ios::in | std::ios::out) << edited;
    struct timespec times[2] = {before.st_atim, before.st_mtim};
    REQUIRE(::utimensat(AT_FDCWD, file.c_str(), times, 0) == 0);
    LedgerIndex index(root);
    CHECK_FALSE(index.find_ext("EXT-SH-0"));  // the line no longer says so
    CHECK(index.lookup_many(LedgerIndex::Of::ext, {"EXT-SH-0"}).front().empty());
  }
  SUBCASE("a damaged segment") {
    fs::path segment = root / ".rma/index/ledger/2026-11/SH.rma.idx";
    REQUIRE(fs::exists(segment));
    fs::resize_file(segment, fs::file_size(segment) - 5);
    LedgerIndex index(root);
    CHECK(index.stats().rebuilt == 1);
    check_same_answers(root, index, ids);
  }
  SUBCASE("a segment whose entries point at the wrong lines") {
    fs::path segment = root / ".rma/index/ledger/2026-11/SH.rma.idx";
    std::string bytes = test::slurp(segment);
    // Move every entry's offset by one byte (entries of 32 bytes follow a 128-byte header),
    // and damage the list of case ids after them.
    for (std::size_t at = 128 + 8; at + 8 <= 128 + 16 * 32; at += 32) bytes[at] ^= 1;
    bytes[bytes.size() - 3] ^= 1;
    test::spit(segment, bytes);
    {  // found by a single lookup
      LedgerIndex index(root);
      CHECK(index.case_events(ids[0]).size() == read_ledger(root).case_events(ids[0]).size());
    }
    test::spit(segment, bytes);
    {  // found by a batch of a few values (the walk beside the segments)
      LedgerIndex index(root);
      check_same_answers(root, index, ids, false);
    }
    test::spit(segment, bytes);
    LedgerIndex index(root);  // found by a batch of many values (through the directory)
    check_same_answers(root, index, ids);
  }
  SUBCASE("a torn tail is reported and skipped, as the reader does") {
    append_raw(file, "2026-11-23T03:00:00.000Z RMA-261120-SH-0001 4 note note=cut");
    LedgerIndex index(root);
    REQUIRE(index.issues().size() == 1);
    CHECK(index.issues()[0].kind == IssueKind::torn_tail);
    CHECK(index.issues()[0].where.line == read_ledger(root).issues.at(0).where.line);
    check_same_answers(root, index, ids);
  }
  SUBCASE("a file that is no longer a ledger") {
    test::spit(file, "not a ledger\n");
    LedgerIndex index(root);
    REQUIRE(index.issues().size() == 1);
    CHECK(index.issues()[0].kind == IssueKind::not_a_ledger);
  }
}

TEST_CASE("a file changed under an open index: the batch that finds it rebuilds the segment and the directory") {
  TempDir dir;
  auto root = test::make_workspace(dir);
  auto ids = fill(root);
  index_from_scratch(root);
  LedgerIndex index(root);
  check_batch(read_ledger(root), index, ids, true);  // builds the directory over every segment
  copy_first_event_line(root / "ledger/2026-11/SH.rma");
  check_batch(read_ledger(root), index, ids, true);
  check_batch(read_ledger(root), index, ids, false);
}

TEST_CASE("an index told of a large batch answers every lookup through its directory, as the files do") {
  TempDir dir;
  auto root = test::make_workspace(dir);
  auto ids = fill(root);
  index_from_scratch(root);
  LedgerIndex index(root);
  index.expect_lookups(2000);  // too few to pay for it: a few values walk the segments
  index.case_events(ids.front());
  CHECK_FALSE(index.has_directory());
  index.expect_lookups(100000);
  index.case_events(ids.front());
  CHECK(index.has_directory());
  check_same_answers(root, index, ids);
  // A segment rebuilt under it drops the directory; the next lookup, of one value, builds
  // it again over the rebuilt segment.
  copy_first_event_line(root / "ledger/2026-11/SH.rma");
  check_case_events(read_ledger(root), index, ids);
  CHECK(index.has_directory());
}

TEST_CASE("many appends: past 64 KiB the segment is rewritten") {
  TempDir dir;
  auto root = test::make_workspace(dir);
  auto ids = fill(root);
  index_from_scratch(root);
  {
    Journal j(root, "SH", shanghai());
    std::vector<Draft> drafts;
    for (int i = 0; i < 700; ++i) drafts.push_back(note_draft(ids[2], t("2026-11-22 10:00"), std::string(100, 'x')));
    j.append(std::move(drafts), false);
  }
  {
    LedgerIndex index(root);
    CHECK(index.stats().rebuilt == 1);
    CHECK(index.case_events(ids[2]).size() == 703);
  }
  LedgerIndex index(root);
  CHECK(index.stats().used == 4);
  check_same_answers(root, index, ids);
}

TEST_CASE("writers through the index decide as writers reading every file") {
  TempDir dir;
  auto root = test::make_workspace(dir);
  auto ids = fill(root);
  for (auto reading : {Journal::Reading::index, Journal::Reading::whole}) {
    Journal j(root, "SH", shanghai(), reading);
    CHECK(j.next_case_id("RMA", t("2026-11-20 12:00")) == "RMA-261120-SH-0004");
    CHECK(j.case_events(ids[0]).size() == 3);
    REQUIRE(j.find_key("K-BJ-2"));
    CHECK(j.find_key("K-BJ-2")->event.case_id == ids[5]);
    CHECK(j.find_refund_ref("R-SH-1"));
    CHECK(j.find_ext("EXT-BJ-0"));
    CHECK_FALSE(j.find_ext("EXT-XX"));
    CHECK(j.case_ids() == read_ledger(root).case_ids());
  }
}

TEST_CASE("a batch's questions asked at once give the answers asked one by one, staged events included") {
  TempDir dir;
  auto root = test::make_workspace(dir);
  auto ids = fill(root);
  for (auto reading : {Journal::Reading::index, Journal::Reading::whole}) {
    Journal j(root, "SH", shanghai(), reading);
    (void)j.adopt(j.fetch({{ids[0], ids[5], "RMA-261120-SH-0099"}, {"K-BJ-2", "K-new"}, {"R-SH-1", "R-none"}, {"EXT-BJ-0", "EXT-XX"}}));
    CHECK(j.case_events(ids[0]).size() == 3);
    CHECK(j.case_events("RMA-261120-SH-0099").empty());
    REQUIRE(j.find_key("K-BJ-2"));
    CHECK(j.find_key("K-BJ-2")->event.case_id == ids[5]);
    CHECK(j.find_refund_ref("R-SH-1"));
    CHECK_FALSE(j.find_refund_ref("R-none"));
    CHECK(j.find_ext("EXT-BJ-0"));
    CHECK_FALSE(j.find_ext("EXT-XX"));
    // A key the ledger has not got, staged by an earlier row of the batch, is found.
    CHECK_FALSE(j.find_key("K-new"));
    j.stage(note_draft(ids[0], t("2026-11-22 10:00"), "row 1", "K-new"));
    REQUIRE(j.find_key("K-new"));
    CHECK(j.find_key("K-new")->event.case_id == ids[0]);
    CHECK(j.case_events(ids[0]).size() == 4);
    // Asked later, one at a time, as before.
    CHECK(j.case_events(ids[1]).size() == 3);
  }
}
