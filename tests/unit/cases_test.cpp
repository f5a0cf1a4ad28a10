#include <doctest/doctest.h>

#include "cases.hpp"
#include "desk.hpp"

using namespace rma;
using rma::test::TempDir;

using rma::test::Desk;
using rma::test::shanghai;

TEST_CASE("first contact: running, then breached, or met by a contact") {
  Desk d;
  std::string id = d.open_return("2026-11-23 10:00");  // Monday; 2bh -> 12:00
  auto v = d.view(id, "2026-11-23 11:00");
  const SlaStatus* s = d.sla(v, "first_contact");
  REQUIRE(s);
  CHECK(s->state == SlaState::running);
  CHECK(format_human(s->due.at, shanghai()) == "2026-11-23 12:00 +08:00");
  CHECK(s->left == std::chrono::hours(1));
  v = d.view(id, "2026-11-23 13:00");
  CHECK(d.sla(v, "first_contact")->state == SlaState::breached);
  CHECK(d.sla(v, "first_contact")->late == std::chrono::hours(1));
  CHECK(v.overdue);
  d.act("2026-11-23 11:30", "contact", id, {{"channel", "phone"}});
  v = d.view(id, "2026-11-23 13:00");
  CHECK(d.sla(v, "first_contact")->state == SlaState::met);
}

TEST_CASE("an open by phone is itself the first contact; priority cases get shorter targets") {
  Desk d;
  std::string id = d.open_return("2026-11-23 10:00", "phone");
  CHECK(d.sla(d.view(id, "2026-11-23 18:00"), "first_contact")->state == SlaState::met);
  std::string urgent = d.open_return("2026-11-23 10:00", "web", true);
  auto v = d.view(urgent, "2026-11-23 10:30");
  CHECK(format_human(d.sla(v, "first_contact")->due.at, shanghai()) == "2026-11-23 11:00 +08:00");
  CHECK(format_human(d.sla(v, "review")->due.at, shanghai()) == "2026-11-23 14:00 +08:00");
}

TEST_CASE("waiting for the customer pauses the review clock and pushes its due date back") {
  Desk d;
  std::string id = d.open_return("2026-11-23 10:00");  // review 1bd: due Tue 10:00
  d.act("2026-11-23 10:30", "review", id, {{"need-info", "a photo"}});
  auto v = d.view(id, "2026-11-25 10:00");
  CHECK(d.sla(v, "review")->state == SlaState::paused);
  CHECK(v.c.state == State::waiting_info);
  d.act("2026-11-25 10:00", "review", id, {{"approve", ""}, {"resolution", "refund"}, {"keep-goods", ""}});
  v = d.view(id, "2026-11-25 10:00");
  const SlaStatus* review = d.sla(v, "review");
  // Paused Mon 10:30 -> Wed 10:00 = 14.5 business hours; Tue 10:00 + 14.5bh = Thu 09:30.
  CHECK(format_human(review->due.at, shanghai()) == "2026-11-26 09:30 +08:00");
  CHECK(review->state == SlaState::met);
  // No goods come back: the refund clock starts at approval (3bd -> Mon 10:00).
  const SlaStatus* refund = d.sla(v, "refund");
  REQUIRE(refund);
  CHECK(format_human(refund->due.at, shanghai()) == "2026-11-30 10:00 +08:00");
  CHECK(refund->state == SlaState::running);
}

TEST_CASE("refund clock stops only at the refund completing the amount owed; follow-up starts then") {
  Desk d;
  std::string id = d.open_return("2026-11-23 10:00");
  d.act("2026-11-23 10:10", "review", id, {{"approve", ""}, {"resolution", "refund"}, {"keep-goods", ""}});
  d.act("2026-11-24 10:00", "refund", id, {{"amount", "40.00"}, {"ref", "P1"}});
  auto v = d.view(id, "2026-11-24 11:00");
  CHECK(v.c.state == State::partially_refunded);
  CHECK(d.sla(v, "refund")->state == SlaState::running);
  CHECK(d.sla(v, "follow_up") == nullptr);
  d.act("2026-11-25 10:00", "refund", id, {{"amount", "60.00"}, {"ref", "P2"}});
  v = d.view(id, "2026-11-25 11:00");
  CHECK(v.c.state == State::refunded);
  CHECK(d.sla(v, "refund")->state == SlaState::met);
  CHECK(d.sla(v, "follow_up")->state == SlaState::running);
  v = d.view(id, "2026-11-28 11:00");
  CHECK(d.sla(v, "follow_up")->state == SlaState::breached);
  d.act("2026-11-26 10:00", "close", id, {{"satisfaction", "4"}});
  v = d.view(id, "2026-11-28 11:00");
  CHECK(d.sla(v, "follow_up")->state == SlaState::met);
}

TEST_CASE("complaints: response and resolution clocks; reopen starts every clock afresh") {
  Desk d;
  std::string id = d.act("2026-11-23 10:00", "open", "",
                         {{"kind", "complaint"}, {"customer", "C-1"}, {"reason", "other"}, {"channel", "email"}})
                       .case_id;
  auto v = d.view(id, "2026-11-24 11:00");
  CHECK(d.sla(v, "first_contact") == nullptr);
  CHECK(d.sla(v, "complaint_response")->state == SlaState::breached);  // 24h clock time
  CHECK(d.sla(v, "resolution")->state == SlaState::running);
  d.act("2026-11-24 12:00", "review", id, {{"approve", ""}, {"resolution", "none"}});
  d.act("2026-11-24 12:10", "close", id, {});
  d.act("2026-11-30 09:00", "reopen", id, {{"why", "it happened again"}});
  v = d.view(id, "2026-11-30 10:00");
  CHECK(v.c.state == State::opened);
  CHECK(d.sla(v, "complaint_response")->state == SlaState::running);
  CHECK(format_human(d.sla(v, "complaint_response")->due.at, shanghai()) == "2026-12-01 09:00 +08:00");
}

TEST_CASE("the state machine names what is allowed") {
  Desk d;
  std::string id = d.open_return("2026-11-23 10:00");
  auto v = d.view(id, "2026-11-23 10:00");
  auto allowed = allowed_actions(v.c);
  CHECK(std::find(allowed.begin(), allowed.end(), "review --approve") != allowed.end());
  CHECK(std::find(allowed.begin(), allowed.end(), "refund") == allowed.end());
  try {
    require_allowed(v.c, "refund", "");
    FAIL("refund allowed while opened");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::conflict);
    CHECK(e.why().find("opened") != std::string::npos);
    CHECK(e.hint().find("review --approve") != std::string::npos);
  }
}

TEST_CASE("a correction of a decisive field changes the replayed facts") {
  Desk d;
  std::string id = d.open_return("2026-11-23 10:00");
  d.act("2026-11-23 10:10", "review", id, {{"approve", ""}, {"resolution", "refund"}, {"keep-goods", ""}, {"amount", "80.00"}});
  CHECK(d.view(id, "2026-11-23 11:00").c.owed->str() == "80.00");
  d.act("2026-11-23 10:20", "correct", id, {{"seq", "2"}, {"set", "amount=100.00"}, {"why", "typo"}});
  auto v = d.view(id, "2026-11-23 11:00");
  CHECK(v.c.owed->str() == "100.00");
  d.act("2026-11-23 10:30", "refund", id, {{"amount", "100.00"}, {"ref", "P1"}});
  CHECK(d.view(id, "2026-11-23 11:00").c.state == State::refunded);
}

TEST_CASE("state_after gives the state a replay with the next event gives, or leaves it to the replay") {
  Desk d;
  std::string id = d.open_return("2026-11-23 10:00");
  std::vector<std::string> said;  // each action's state as its result says it
  auto act = [&](const char* now, const std::string& action, std::vector<std::pair<std::string, std::string>> o) {
    said.push_back(d.act(now, action, id, std::move(o)).state);
  };
  act("2026-11-23 10:05", "contact", {{"channel", "phone"}});
  act("2026-11-23 10:10", "review", {{"need-info", "a photo"}});
  act("2026-11-23 10:20", "review", {{"approve", ""}, {"resolution", "refund"}, {"freight", "company"}});
  act("2026-11-23 10:30", "ship", {{"return", ""}, {"carrier", "SF"}, {"tracking", "SF1"}});
  act("2026-11-23 10:40", "receive", {{"qty", "1"}, {"condition", "intact"}, {"disposition", "restock"}});
  act("2026-11-23 10:50", "refund", {{"amount", "40.00"}, {"ref", "P1"}});
  act("2026-11-23 10:55", "note", {{"note", "rest tomorrow"}});
  act("2026-11-23 11:00", "refund", {{"amount", "60.00"}, {"ref", "P2"}});
  act("2026-11-23 11:10", "close", {{"satisfaction", "5"}});
  act("2026-11-23 11:20", "reopen", {{"why", "the customer called back"}});
  act("2026-11-23 11:30", "escalate", {{"to", "wang"}, {"why", "second complaint"}});
  act("2026-11-23 11:40", "cancel", {{"why", "withdrawn"}});
  CHECK(said == std::vector<std::string>{"opened", "waiting-info", "approved", "returning", "received", "partially-refunded",
                                         "partially-refunded", "refunded", "closed", "opened", "opened", "cancelled"});

  Ledger ledger = read_ledger(d.root);
  auto events = ledger.case_events(id);
  REQUIRE(events.size() == 13);
  for (std::size_t k = 1; k < events.size(); ++k) {
    CAPTURE(k);
    std::vector<const StoredEvent*> before(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(k));
    auto after = state_after(replay_case(before), *events[k]);
    REQUIRE(after);
    before.push_back(events[k]);
    CHECK(*after == replay_case(before).state);
  }
}

TEST_CASE("state_after leaves a correction, and any event after one, to the replay") {
  Desk d;
  std::string id = d.open_return("2026-11-23 10:00");
  d.act("2026-11-23 10:10", "review", id, {{"approve", ""}, {"resolution", "refund"}, {"keep-goods", ""}, {"amount", "80.00"}});
  d.act("2026-11-23 10:20", "correct", id, {{"seq", "2"}, {"set", "amount=100.00"}, {"why", "typo"}});
  // 90.00 would complete the amount first approved, not the corrected one: only a replay
  // sees the correction.
  CHECK(d.act("2026-11-23 10:30", "refund", id, {{"amount", "90.00"}, {"ref", "P1"}}).state == "partially-refunded");
  Ledger ledger = read_ledger(d.root);
  auto events = ledger.case_events(id);
  REQUIRE(events.size() == 4);
  CHECK_FALSE(state_after(replay_case({events[0], events[1]}), *events[2]));
  CHECK_FALSE(state_after(replay_case({events[0], events[1], events[2]}), *events[3]));
  // A later seq than the next one (an event missing between them) is not a plain next event.
  CHECK_FALSE(state_after(replay_case({events[0]}), *events[2]));
}
