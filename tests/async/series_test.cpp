// ProbeSeries against a scripted path: probes that answer after a delay, or never (they complete
// unanswered at their own wait, as a real probe does at the series deadline). Real timers, no
// sockets: what is checked is how many probes go out and when the series ends, never a speed.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "vpcprobe/probe/series.hpp"

using namespace vpcprobe;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct Answer {
  int index = 0;
  bool answered = false;
};

// One scripted probe: answers after `delay`, or (no delay) completes unanswered after `wait`.
class Scripted : public probe::Operation, public std::enable_shared_from_this<Scripted> {
 public:
  Scripted(asio::io_context& io, int index, std::optional<std::chrono::milliseconds> delay, std::chrono::milliseconds wait,
           std::function<void(Answer)> done)
      : timer_(io), index_(index), answers_(delay.has_value()), done_(std::move(done)) {
    timer_.expires_after(delay.value_or(wait));
  }
  void start() {
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      self->finish(!ec && self->answers_);
    });
  }
  void cancel() override { timer_.cancel(); }

 private:
  void finish(bool answered) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    done(Answer{index_, answered});
  }
  asio::steady_timer timer_;
  int index_;
  bool answers_;
  std::function<void(Answer)> done_;
};

struct Outcome {
  std::vector<Answer> results;
  int launched = 0;
  int done_calls = 0;
  std::chrono::milliseconds took{};
};

// behaviour(i): the delay of probe i's answer, or nullopt for a probe that is lost
Outcome run_series(probe::SeriesPlan plan, std::function<std::optional<std::chrono::milliseconds>(int)> behaviour,
                   std::optional<std::chrono::milliseconds> cancel_after = std::nullopt) {
  asio::io_context io;
  Outcome out;
  const auto start = Clock::now();
  auto series = probe::start_series<Answer>(
      io, plan,
      [&](int i, std::chrono::milliseconds wait, std::function<void(Answer)> done) {
        ++out.launched;
        auto op = std::make_shared<Scripted>(io, i, behaviour(i), wait, std::move(done));
        op->start();
        return op;
      },
      [](const Answer& a) { return a.answered; },
      [&](std::vector<Answer> r) {
        ++out.done_calls;
        out.results = std::move(r);
        out.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      });
  asio::steady_timer stop(io);
  if (cancel_after) {
    stop.expires_after(*cancel_after);
    stop.async_wait([series](boost::system::error_code ec) {
      if (!ec) series->cancel();
    });
  }
  io.run();
  return out;
}

probe::SeriesPlan plan(int count, int extra, std::chrono::milliseconds timeout) {
  probe::SeriesPlan p;
  p.count = count;
  p.extra = extra;
  p.timeout = timeout;
  p.gap = probe::SeriesPlan::spacing(timeout, count);
  return p;
}

int answered(const Outcome& o) {
  int n = 0;
  for (const auto& a : o.results) n += a.answered;
  return n;
}

}  // namespace

TEST_CASE("series: a path that answers at once gets exactly `count` probes, one after the other") {
  auto o = run_series(plan(5, 11, 1000ms), [](int) { return std::optional(1ms); });
  CHECK(o.done_calls == 1);
  CHECK(o.launched == 5);
  CHECK(answered(o) == 5);
  CHECK(o.took < 500ms);  // not a speed check: it must not wait for the deadline
  for (int i = 0; i < 5; ++i) CHECK(o.results[static_cast<std::size_t>(i)].index == i);
}

TEST_CASE("series: a silent path gets more probes while there is time, and ends at its deadline") {
  auto o = run_series(plan(5, 11, 600ms), [](int) { return std::nullopt; });
  CHECK(o.done_calls == 1);
  CHECK(o.launched > 5);
  CHECK(o.launched <= 16);
  CHECK(answered(o) == 0);
  CHECK(o.results.size() == static_cast<std::size_t>(o.launched));
  CHECK(o.took >= 550ms);
  CHECK(o.took < 1000ms);
}

TEST_CASE("series: loss (every other probe lost) widens the sample to count + extra") {
  auto o = run_series(plan(5, 11, 1000ms), [](int i) { return i % 2 ? std::optional(1ms) : std::nullopt; });
  CHECK(o.done_calls == 1);
  CHECK(o.launched == 16);
  CHECK(answered(o) == 8);
}

TEST_CASE("regression: a slow path that loses one probe still finishes, with a larger sample") {
  // e.g. 50 ms answers, the 4th probe lost: it is not yet overdue (3 x the slowest answer) when the
  // 5th goes out; when it finally counts as lost, every other probe has come back, and the series
  // must still send the next ones instead of waiting for nobody.
  for (int rtt : {40, 70, 120})
    for (int lost : {2, 3}) {
      CAPTURE(rtt);
      CAPTURE(lost);
      auto o = run_series(probe::SeriesPlan{},
                          [&](int i) { return i == lost ? std::nullopt : std::optional(std::chrono::milliseconds(rtt)); });
      CHECK(o.done_calls == 1);
      if (rtt < 100) CHECK(o.launched > 5);  // slower answers leave no time for more (4 x RTT must remain)
      CHECK(answered(o) == o.launched - 1);
      CHECK(o.results.size() == static_cast<std::size_t>(o.launched));
    }
}

TEST_CASE("series: a slow path that loses nothing gets `count` probes, not more") {
  // answers take longer than the gap: the first probe looks overdue until its answer shows the
  // path is merely slow
  auto o = run_series(plan(5, 11, 2000ms), [](int) { return std::optional(std::chrono::milliseconds(200)); });
  CHECK(o.done_calls == 1);
  CHECK(answered(o) == o.launched);
  CHECK(o.launched >= 5);
  CHECK(o.launched <= 7);
}

TEST_CASE("series: never more than count + extra, whatever the timeout") {
  auto o = run_series(plan(3, 3, 3000ms), [](int) { return std::nullopt; });
  CHECK(o.launched == 6);
  CHECK(o.done_calls == 1);
}

TEST_CASE("series: cancel() ends it at once with what it has, exactly once") {
  auto o = run_series(plan(5, 11, 5000ms), [](int i) { return i == 0 ? std::optional(1ms) : std::nullopt; }, 300ms);
  CHECK(o.done_calls == 1);
  CHECK(o.took < 2000ms);
  CHECK(answered(o) == 1);
  CHECK(o.results.size() == static_cast<std::size_t>(o.launched));
}

namespace {
// Two series of one path in one SeriesGroup, each with its own behaviour.
std::pair<Outcome, Outcome> run_pair(probe::SeriesPlan plan, std::function<std::optional<std::chrono::milliseconds>(int)> first,
                                     std::function<std::optional<std::chrono::milliseconds>(int)> second) {
  asio::io_context io;
  auto group = std::make_shared<probe::SeriesGroup>(io);
  std::pair<Outcome, Outcome> out;
  const auto start = Clock::now();
  std::vector<std::shared_ptr<probe::ProbeSeries<Answer>>> keep;
  for (auto [o, behaviour] : {std::pair{&out.first, first}, std::pair{&out.second, second}}) {
    keep.push_back(probe::start_series<Answer>(
        io, plan,
        [&io, o, behaviour](int i, std::chrono::milliseconds wait, std::function<void(Answer)> done) {
          ++o->launched;
          auto op = std::make_shared<Scripted>(io, i, behaviour(i), wait, std::move(done));
          op->start();
          return op;
        },
        [](const Answer& a) { return a.answered; },
        [o, start](std::vector<Answer> r) {
          ++o->done_calls;
          o->results = std::move(r);
          o->took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
        },
        group));
  }
  io.run();
  return out;
}
}  // namespace

TEST_CASE("group: two healthy series of a path get `count` probes each and finish together") {
  auto [a, b] = run_pair(plan(5, 11, 1000ms), [](int) { return std::optional(1ms); }, [](int) { return std::optional(3ms); });
  CHECK(a.done_calls == 1);
  CHECK(b.done_calls == 1);
  CHECK(a.launched == 5);
  CHECK(b.launched == 5);
  CHECK(a.took >= b.took - 1ms);  // the quick one waited for the other
  CHECK(b.took < 500ms);
}

TEST_CASE("group: loss in one series grows the other, whose first answers were all lucky") {
  auto [echoes, syns] = run_pair(plan(5, 11, 1000ms), [](int) { return std::optional(1ms); },
                                 [](int i) { return i % 2 ? std::optional(1ms) : std::nullopt; });
  CHECK(echoes.done_calls == 1);
  CHECK(syns.done_calls == 1);
  CHECK(echoes.launched == 16);
  CHECK(answered(echoes) == 16);
  CHECK(syns.launched == 16);
}

TEST_CASE("group: a dead series next to a healthy one: both end by the deadline, the healthy one with a full sample") {
  auto [dead, alive] = run_pair(plan(5, 11, 600ms), [](int) { return std::nullopt; }, [](int) { return std::optional(1ms); });
  CHECK(dead.done_calls == 1);
  CHECK(alive.done_calls == 1);
  CHECK(answered(dead) == 0);
  CHECK(alive.launched == 16);
  CHECK(dead.took < 1000ms);
  CHECK(alive.took < 1000ms);
}

TEST_CASE("group: a silent series next to a lossy one gets a longer run of silence, within `most`") {
  auto [lossy, silent] = run_pair(plan(5, 11, 1000ms), [](int i) { return i % 2 ? std::optional(1ms) : std::nullopt; },
                                  [](int) { return std::nullopt; });
  CHECK(lossy.done_calls == 1);
  CHECK(silent.done_calls == 1);
  CHECK(silent.launched > 16);
  CHECK(silent.launched <= 32);
  CHECK(lossy.launched == 16);  // it has answers: no longer run for it
}

TEST_CASE("series: a count of one still works") {
  auto o = run_series(plan(1, 1, 500ms), [](int) { return std::optional(1ms); });
  CHECK(o.launched == 1);
  CHECK(answered(o) == 1);
}
