#pragma once
// A paced series of probes of one kind (echoes, SYNs), so that a layer's evidence is sent /
// answered / lost, not one shot. Probe i+1 goes out as soon as probe i is answered, or `gap` after
// probe i, whichever comes first: a healthy path is done in a few round trips (at most `gap`
// apart, so a slow one does not take `count` round trips). Every probe waits until the series'
// deadline, so the series ends within its timeout. When a probe is overdue (unanswered for three
// times the slowest answer, or for a quarter of the timeout while nothing has answered yet) or the
// answers disagree, up to `extra` more go out, twice as fast, while there is time for them to be
// answered: a silent path costs no more time (it waits for the deadline anyway), and loss gets a
// sample large enough to tell it from "nothing answers". cancel() ends it at once with what it has.
//
// The series of one path (echoes and SYNs) may share a SeriesGroup: loss seen by one grows them
// all, and a series that has its answers waits (sending nothing) until the others have theirs, so
// the echoes of a lossy path are not judged on five lucky replies while its SYNs are being lost.
#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "vpcprobe/net/asio.hpp"
#include "vpcprobe/probe/operation.hpp"

namespace vpcprobe::probe {

struct SeriesPlan {
  int count = 5;                                     // probes, at least
  int extra = 5;                                     // more when the first ones disagree
  int most = 32;                                     // never more than this many in all
  std::chrono::milliseconds timeout{1000};           // the whole series' deadline, from its start
  std::chrono::milliseconds gap{20};                 // at most this long between two probes
  // Spacing for `count` probes over the first part of `timeout`, between 5 and 20 ms.
  static std::chrono::milliseconds spacing(std::chrono::milliseconds timeout, int count) {
    const auto g = timeout * 2 / (5 * std::max(count, 1));
    return std::clamp<std::chrono::milliseconds>(g, std::chrono::milliseconds(5), std::chrono::milliseconds(20));
  }
  // How long a probe may go unanswered, while nothing has answered yet, before it counts as lost.
  std::chrono::milliseconds first_answer_wait() const {
    return std::max(gap, std::min(timeout / 4, std::chrono::milliseconds(250)));
  }
};

// What the series of one path share: whether any of them saw loss (a probe overdue, answers that
// disagree), and which of them are settled (all their probes back, nothing more to send). Pokes
// are posted, never run inline.
class SeriesGroup {
 public:
  explicit SeriesGroup(asio::io_context& io) : io_(io) {}
  int join(std::function<void()> poke) {
    members_.push_back({std::move(poke), false});
    return static_cast<int>(members_.size()) - 1;
  }
  bool loss() const { return loss_; }
  bool answered() const { return answered_; }
  void saw_answer() { answered_ = true; }
  void saw_loss() {
    if (loss_) return;
    loss_ = true;
    poke_all();
  }
  void settle(int id, bool settled) {
    members_[static_cast<std::size_t>(id)].settled = settled;
    if (settled && others_settled(-1)) poke_all();
  }
  bool others_settled(int id) const {
    for (std::size_t i = 0; i < members_.size(); ++i)
      if (static_cast<int>(i) != id && !members_[i].settled) return false;
    return true;
  }

 private:
  void poke_all() {
    for (auto& m : members_) asio::post(io_, m.poke);
  }
  struct Member {
    std::function<void()> poke;
    bool settled = false;
  };
  asio::io_context& io_;
  std::vector<Member> members_;
  bool loss_ = false, answered_ = false;
};

template <class R>
class ProbeSeries : public Operation, public std::enable_shared_from_this<ProbeSeries<R>> {
 public:
  // launch(index, timeout, done) starts probe `index` with its own wait; answered(r) says whether a
  // result counts as an answer; done gets the results in the order sent.
  using Launch = std::function<OperationPtr(int, std::chrono::milliseconds, std::function<void(R)>)>;
  ProbeSeries(asio::io_context& io, SeriesPlan plan, Launch launch, std::function<bool(const R&)> answered,
              std::function<void(std::vector<R>)> done)
      : gap_timer_(io), plan_(plan), launch_(std::move(launch)), answered_(std::move(answered)), done_(std::move(done)) {}

  // Before start(): share loss and settling with the other series of the path.
  void join(const std::shared_ptr<SeriesGroup>& group) {
    group_ = group;
    std::weak_ptr<ProbeSeries> weak = this->shared_from_this();
    member_ = group->join([weak] {
      if (auto self = weak.lock()) self->maybe_done();
    });
  }

  void start() {
    started_ = Clock::now();
    deadline_ = started_ + plan_.timeout;
    launch_next();
  }

  void cancel() override {
    if (stopped_) return;
    stopped_ = true;
    gap_timer_.cancel();
    for (auto& w : running_)
      if (auto op = w.lock()) op->cancel();
    maybe_done();
  }

 private:
  using Clock = std::chrono::steady_clock;

  // A probe that would have less than this left to wait says nothing when unanswered.
  std::chrono::milliseconds least_wait() const {
    return std::max(std::chrono::milliseconds(100), std::chrono::milliseconds(static_cast<long>(4 * slowest_ms_)));
  }

  // Some probe has waited longer than an answer would take: lost, most likely.
  bool overdue(Clock::time_point now) const {
    using Ms = std::chrono::duration<double, std::milli>;
    const Ms limit = answers_ ? std::max<Ms>(plan_.gap, Ms(3 * slowest_ms_)) : Ms(plan_.first_answer_wait());
    for (std::size_t i = 0; i < results_.size(); ++i)
      if (!results_[i] && now - sent_at_[i] >= limit) return true;
    return false;
  }

  int wanted(Clock::time_point now) const {
    int n = disagree_ || overdue(now) || (group_ && group_->loss()) ? plan_.count + plan_.extra : plan_.count;
    // Nothing answered here, though the path answers another kind of probe while losing some:
    // silence or heavy loss? A longer run of silence tells them apart.
    if (answers_ == 0 && n > plan_.count && group_ && group_->answered()) n += plan_.extra;
    return std::min(n, plan_.most);
  }
  void saw_loss() {
    if (group_) group_->saw_loss();
  }

  void launch_next() {
    if (stopped_ || capped_ || finished_) return;
    const auto now = Clock::now();
    if (launched_ >= wanted(now)) {
      arm_tick();
      maybe_done();
      return;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - now);
    if (launched_ > 0 && left < least_wait()) {  // too late for a fair chance: stop growing
      capped_ = true;
      gap_timer_.cancel();
      maybe_done();
      return;
    }
    const int i = launched_++;
    results_.resize(static_cast<std::size_t>(launched_));
    sent_at_.push_back(now);
    std::weak_ptr<ProbeSeries> weak = this->shared_from_this();
    running_.push_back(launch_(i, std::max(left, std::chrono::milliseconds(1)), [weak, i](R r) {
      if (auto self = weak.lock()) self->on_result(i, std::move(r));
    }));
    arm_tick();
  }

  // While probes are outstanding, look again after a gap (half a gap once past `count`).
  void arm_tick() {
    if (stopped_ || capped_ || finished_ || completed_ >= launched_) return;
    const auto gap = launched_ < plan_.count ? plan_.gap : std::max(plan_.gap / 2, std::chrono::milliseconds(5));
    std::weak_ptr<ProbeSeries> weak = this->shared_from_this();
    gap_timer_.expires_after(gap);
    gap_timer_.async_wait([weak](boost::system::error_code ec) {
      if (auto self = weak.lock(); self && !ec) self->on_tick();
    });
  }

  void on_tick() {
    const auto now = Clock::now();
    if (overdue(now)) saw_loss();
    // The newest probe is still unanswered after a gap, or the sample has to grow: the next one
    // goes now.
    if ((!results_.empty() && !results_.back()) || launched_ < wanted(now)) launch_next();
    else arm_tick();
  }

  void on_result(int i, R r) {
    const bool answered = answered_(r);
    if (answered) {
      if (group_) group_->saw_answer();
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent_at_[static_cast<std::size_t>(i)]).count();
      slowest_ms_ = std::max(slowest_ms_, ms);
    }
    results_[static_cast<std::size_t>(i)] = std::move(r);
    ++completed_;
    (answered ? answers_ : silences_)++;
    if (answers_ > 0 && silences_ > 0 && !disagree_) {  // some answered, some did not
      disagree_ = true;
      saw_loss();
    }
    if (i == launched_ - 1) launch_next();  // the newest one came back: the next need not wait
    maybe_done();
  }

  void maybe_done() {
    if (finished_ || completed_ < launched_) return;
    const bool open = !stopped_ && !capped_;
    if (open && launched_ < wanted(Clock::now())) {
      // Everything sent came back, but the sample has to grow (the last ones disagreed, or another
      // series of the path saw loss): nothing else would send the next one.
      if (parked_) {
        parked_ = false;
        group_->settle(member_, false);
      }
      launch_next();
      return;
    }
    if (open && group_ && !group_->others_settled(member_)) {  // wait for the others, sending nothing
      if (!parked_) {
        parked_ = true;
        group_->settle(member_, true);
      }
      return;
    }
    finished_ = true;
    if (group_ && !parked_) group_->settle(member_, true);
    gap_timer_.cancel();
    std::vector<R> out;
    for (auto& r : results_)
      if (r) out.push_back(std::move(*r));
    auto done = std::move(done_);
    done(std::move(out));
  }

  asio::steady_timer gap_timer_;
  SeriesPlan plan_;
  Launch launch_;
  std::function<bool(const R&)> answered_;
  std::function<void(std::vector<R>)> done_;
  Clock::time_point started_, deadline_;
  std::vector<Clock::time_point> sent_at_;
  std::vector<std::optional<R>> results_;
  std::vector<std::weak_ptr<Operation>> running_;
  int launched_ = 0, completed_ = 0, answers_ = 0, silences_ = 0;
  double slowest_ms_ = 0;
  bool disagree_ = false, capped_ = false, stopped_ = false, finished_ = false, parked_ = false;
  std::shared_ptr<SeriesGroup> group_;
  int member_ = -1;
};

template <class R>
std::shared_ptr<ProbeSeries<R>> start_series(asio::io_context& io, SeriesPlan plan, typename ProbeSeries<R>::Launch launch,
                                             std::function<bool(const R&)> answered, std::function<void(std::vector<R>)> done,
                                             const std::shared_ptr<SeriesGroup>& group = nullptr) {
  auto s = std::make_shared<ProbeSeries<R>>(io, plan, std::move(launch), std::move(answered), std::move(done));
  if (group) s->join(group);
  s->start();
  return s;
}

}  // namespace vpcprobe::probe
