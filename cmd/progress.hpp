// A progress line on stderr for long work, only when stderr is a terminal (never in pipes
// or logs), redrawn at most ten times a second and erased when the work is done.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <string>

#include "context.hpp"
#include "ledger_store.hpp"

namespace rma::cli {

class Progress {
 public:
  Progress(const Context& ctx, std::string what) : what_(std::move(what)), on_(!ctx.options.quiet && ::isatty(2) == 1) {}
  ~Progress() { done(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  ProgressFn fn() {
    if (!on_) return {};
    return [this](std::size_t done, std::size_t total) { update(done, total); };
  }
  void done() {
    if (on_ && shown_) fmt::print(stderr, "\r\x1b[K");
    shown_ = false;
  }

 private:
  void update(std::size_t done, std::size_t total) {
    auto now = std::chrono::steady_clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    shown_ = true;
    fmt::print(stderr, "\r\x1b[Krma: {} {}/{} ({}%)", what_, done, total, total ? done * 100 / total : 100);
    std::fflush(stderr);
  }
  std::string what_;
  bool on_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace rma::cli
