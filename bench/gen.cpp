// bench/gen: writes a realistic workspace of N cases through the real line writer (valid
// hash chains): 5 sites, 2 years, all four kinds, every lifecycle path including
// rejections, partial refunds, corrections and complaints, Chinese notes. Deterministic:
// the same N gives the same bytes.
//
//   rma-bench-gen DIR CASES
#include <algorithm>
#include <boost/filesystem.hpp>
#include <cstdio>
#include <fmt/format.h>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ledger_line.hpp"
#include "money.hpp"
#include "policy.hpp"
#include "workspace.hpp"

using namespace rma;
namespace fs = boost::filesystem;

namespace {

struct Line {
  Instant recorded;
  std::string text;
};

struct Generator {
  std::mt19937_64 rng{20261123};
  Zone zone = find_zone("Asia/Shanghai");
  std::map<std::string, std::vector<Line>> files;  // ledger/YYYY-MM/SITE.rma -> lines
  std::map<std::string, std::uint32_t> counters;   // PREFIX-YYMMDD-SITE -> last counter
  std::size_t events = 0;

  std::int64_t uniform(std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); }
  bool chance(int percent) { return uniform(1, 100) <= percent; }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(v.size()) - 1))]; }

  void make_case(const std::string& site, Instant opened) {
    std::string day = date::format("%y%m%d", std::chrono::floor<date::days>(to_local(opened, zone)));
    std::uint32_t counter = ++counters[fmt::format("RMA-{}-{}", day, site)];
    std::string id = format_case_id({"RMA", day, site, counter});
    std::string previous(kZeroHash);
    std::uint32_t seq = 0;
    Instant t = opened;
    std::vector<std::string> operators = {"alice", "bob", "li", "zhang", "wang"};
    auto emit = [&](const std::string& action, std::vector<Field> fields, std::int64_t minutes_later) {
      t += std::chrono::minutes(minutes_later);
      Event e;
      e.recorded = t;
      e.case_id = id;
      e.seq = ++seq;
      e.action = action;
      e.fields = std::move(fields);
      e.by = pick(operators);
      std::string line = seal_event(e, previous);
      previous = e.hash;
      std::string month = date::format("%Y-%m", std::chrono::floor<date::days>(to_local(t, zone)));
      files[fmt::format("ledger/{}/{}.rma", month, site)].push_back({t, std::move(line)});
      ++events;
    };
    static const std::vector<std::string> kinds = {"return", "return", "return", "return", "return",
                                                   "exchange", "exchange", "repair", "complaint", "complaint"};
    static const std::vector<std::string> quality = {"defect", "damaged", "wrong-item", "missing-part", "not-as-described"};
    static const std::vector<std::string> other = {"changed-mind", "size", "late-delivery", "other"};
    static const std::vector<std::string> categories = {"furniture", "electronics", "apparel", "home", "appliances"};
    static const std::vector<std::string> notes = {"扶手开裂 armrest cracked", "屏幕有划痕", "客户要求上门取件",
                                                   "wrong colour", "box was wet on arrival", "顾客很着急，请尽快处理"};
    std::string kind = pick(kinds);
    bool q = chance(55);
    std::string reason = q ? pick(quality) : pick(other);
    std::string sku = fmt::format("SKU-{:04}", uniform(1, 500));
    std::string category = pick(categories);
    Money paid = Money::from_minor(uniform(990, 999900), 2);
    Instant delivered = opened - std::chrono::hours(uniform(2, 40));
    std::vector<Field> open = {{"kind", kind}};
    if (kind == "complaint") {
      open.push_back({"customer", fmt::format("C-{:06}", uniform(1, 200000))});
      open.push_back({"reason", pick(other)});
      open.push_back({"channel", chance(50) ? "phone" : "web"});
    } else {
      open.push_back({"order", fmt::format("SO-{:08}", uniform(1, 99999999))});
      open.push_back({"customer", fmt::format("C-{:06}", uniform(1, 200000))});
      open.push_back({"sku", sku});
      open.push_back({"category", category});
      open.push_back({"qty", "1"});
      open.push_back({"reason", reason});
      open.push_back({"channel", chance(40) ? "phone" : "web"});
      open.push_back({"delivered", format_rfc3339(delivered, zone)});
      open.push_back({"paid", paid.str()});
      open.push_back({"currency", "CNY"});
    }
    open.push_back({"policy", "default@1"});
    if (chance(30)) open.push_back({"note", pick(notes)});
    emit("open", open, 0);
    if (chance(3)) emit("correct", {{"of", "1"}, {"set_qty", "1"}, {"why", "checked the order"}}, uniform(5, 60));
    if (chance(15)) emit("contact", {{"channel", "phone"}}, uniform(10, 200));
    if (kind == "complaint") {
      bool money = chance(50);
      emit("review", money ? std::vector<Field>{{"decision", "approve"}, {"resolution", "compensation"}, {"amount", "50.00"}, {"currency", "CNY"}}
                           : std::vector<Field>{{"decision", "approve"}, {"resolution", "none"}},
           uniform(60, 2000));
      if (money) emit("refund", {{"amount", "50.00"}, {"currency", "CNY"}, {"method", "voucher"}, {"ref", fmt::format("V-{}-{}", id, seq)}}, uniform(10, 600));
      if (chance(85)) emit("close", {{"satisfaction", std::to_string(uniform(1, 5))}}, uniform(600, 4000));
      return;
    }
    if (chance(12)) {
      emit("review", {{"decision", "reject"}, {"why", "outside the conditions of the policy"}}, uniform(30, 1500));
      if (chance(80)) emit("close", {}, uniform(60, 3000));
      return;
    }
    if (chance(10)) emit("review", {{"decision", "need-info"}, {"info", "a photo of the damage"}}, uniform(30, 600));
    std::string resolution = kind == "return" ? "refund" : kind;
    std::vector<Field> approve = {{"decision", "approve"}, {"resolution", resolution}};
    if (resolution == "refund") {
      approve.push_back({"amount", paid.str()});
      approve.push_back({"currency", "CNY"});
    }
    approve.push_back({"freight", q ? "company" : "customer"});
    bool keep = kind == "repair" || (kind == "return" && chance(20));
    if (keep) approve.push_back({"keep_goods", "yes"});
    emit("review", approve, uniform(30, 1500));
    if (chance(4)) {
      emit("cancel", {{"why", "customer withdrew"}}, uniform(60, 3000));
      return;
    }
    if (!keep) {
      std::vector<Field> ship = {{"direction", "return"}, {"carrier", "SF"}, {"tracking", fmt::format("SF{:012}", uniform(1, 999999999999))}};
      if (q) {
        ship.push_back({"cost", "18.00"});
        ship.push_back({"currency", "CNY"});
      }
      emit("ship", ship, uniform(60, 2000));
      emit("receive", {{"qty", "1"}, {"condition", chance(70) ? "intact" : "damaged"}, {"disposition", chance(80) ? "restock" : "scrap"}},
           uniform(600, 5000));
    }
    if (resolution == "refund") {
      if (chance(15)) {
        Money part = Money::from_minor(paid.minor() / 2, 2);
        emit("refund", {{"amount", part.str()}, {"currency", "CNY"}, {"method", "original"}, {"ref", fmt::format("PAY-{}-{}", id, seq)}},
             uniform(60, 3000));
        emit("refund", {{"amount", (paid - part).str()}, {"currency", "CNY"}, {"method", "original"}, {"ref", fmt::format("PAY-{}-{}", id, seq)}},
             uniform(60, 3000));
      } else {
        emit("refund", {{"amount", paid.str()}, {"currency", "CNY"}, {"method", chance(90) ? "original" : "transfer"},
                        {"ref", fmt::format("PAY-{}-{}", id, seq)}},
             uniform(60, 3000));
      }
    } else if (resolution == "repair") {
      emit("repair", {{"where", "onsite"}, {"technician", "王师傅"}}, uniform(600, 5000));
    } else {
      emit("ship", {{"direction", "replacement"}, {"carrier", "JD"}, {"tracking", fmt::format("JD{:010}", uniform(1, 9999999999))}}, uniform(60, 2000));
    }
    if (chance(25)) emit("contact", {{"channel", "phone"}, {"note", "回访"}}, uniform(600, 2800));
    if (chance(60)) emit("close", {{"satisfaction", std::to_string(uniform(1, 5))}}, uniform(10, 600));
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: rma-bench-gen DIR CASES\n");
    return 2;
  }
  fs::path dir = argv[1];
  long cases = std::stol(argv[2]);
  init_workspace({dir, "SH", false, std::string("wang")});
  std::string settings;
  {
    std::FILE* f = std::fopen((dir / "rma.toml").c_str(), "r");
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) settings.append(buf, n);
    std::fclose(f);
  }
  auto pos = settings.find("wang = ");
  settings.insert(pos, "alice = { role = \"operator\" }\nbob = { role = \"operator\" }\nli = { role = \"operator\" }\nzhang = { role = \"operator\" }\n");
  std::FILE* out = std::fopen((dir / "rma.toml").c_str(), "w");
  std::fwrite(settings.data(), 1, settings.size(), out);
  std::fclose(out);
  freeze_policy(dir, parse_policy("policies/default.toml", std::string(default_policy_text())));

  Generator g;
  const std::vector<std::string> sites = {"SH", "BJ", "GZ", "CD", "WH"};
  Instant start = parse_time("2025-01-01", g.zone);
  std::int64_t span_minutes = 2 * 365 * 24 * 60;
  for (long i = 0; i < cases; ++i) {
    Instant opened = start + std::chrono::minutes(g.uniform(0, span_minutes - 20000));
    g.make_case(g.pick(sites), opened);
  }
  std::size_t bytes = 0;
  for (auto& [rel, lines] : g.files) {
    std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.recorded < b.recorded; });
    fs::create_directories((dir / rel).parent_path());
    std::FILE* f = std::fopen((dir / rel).c_str(), "w");
    std::fputs("# rma ledger v1\n", f);
    for (const auto& l : lines) {
      std::fwrite(l.text.data(), 1, l.text.size(), f);
      bytes += l.text.size();
    }
    std::fclose(f);
  }
  std::printf("%s: %ld cases, %zu events, %zu files, %.1f MB\n", dir.c_str(), cases, g.events, g.files.size(),
              static_cast<double>(bytes) / 1e6);
  return 0;
}
