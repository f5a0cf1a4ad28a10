#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>

#include "parallel.hpp"

using namespace rma;

TEST_CASE("on_threads runs every index once, the caller's among them") {
  std::atomic<unsigned> ran{0};
  std::atomic<unsigned> sum{0};
  on_threads(4, [&](unsigned i) {
    ran.fetch_add(1);
    sum.fetch_add(i);
  });
  CHECK(ran == 4);
  CHECK(sum == 0 + 1 + 2 + 3);
}

TEST_CASE("an exception on any thread reaches the caller after all threads end") {
  std::atomic<unsigned> finished{0};
  CHECK_THROWS_WITH_AS(on_threads(3,
                                  [&](unsigned i) {
                                    if (i == 2) throw std::runtime_error("bad case");
                                    finished.fetch_add(1);
                                  }),
                       "bad case", std::runtime_error);
  CHECK(finished == 2);
}
