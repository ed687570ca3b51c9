#include "vpcprobe/probe/operation.hpp"

namespace vpcprobe::probe {

Schedule::Schedule(asio::io_context& io, std::vector<Duration> offsets, Launch launch, std::function<void()> all_done)
    : timer_(io), offsets_(std::move(offsets)), launch_(std::move(launch)), all_done_(std::move(all_done)) {}

std::vector<Schedule::Duration> Schedule::evenly(int count, Duration interval) {
  std::vector<Duration> out;
  for (int i = 0; i < count; ++i) out.push_back(interval * i);
  return out;
}

void Schedule::start() {
  started_ = asio::steady_timer::clock_type::now();
  if (offsets_.empty()) {
    finished_ = true;
    if (auto done = std::move(all_done_)) done();
    return;
  }
  launch_next();
}

void Schedule::launch_next() {
  auto self = shared_from_this();
  int count = static_cast<int>(offsets_.size());
  // Everything that is due now starts now, in order.
  while (!stopped_ && launched_ < count &&
         started_ + offsets_[static_cast<std::size_t>(launched_)] <= asio::steady_timer::clock_type::now()) {
    int index = launched_++;
    running_.push_back(launch_(index, [self] { self->completed_one(); }));
  }
  if (!stopped_ && launched_ < count) {
    timer_.expires_at(started_ + offsets_[static_cast<std::size_t>(launched_)]);
    timer_.async_wait([self](boost::system::error_code ec) {
      if (!ec) self->launch_next();
    });
  }
}

void Schedule::completed_one() {
  ++completed_;
  if (!finished_ && completed_ == launched_ && (stopped_ || launched_ == static_cast<int>(offsets_.size()))) {
    finished_ = true;
    timer_.cancel();
    auto done = std::move(all_done_);
    if (done) done();
  }
}

void Schedule::cancel() {
  if (stopped_) return;
  stopped_ = true;
  timer_.cancel();
  for (auto& w : running_)
    if (auto op = w.lock()) op->cancel();
  if (!finished_ && completed_ == launched_) {
    finished_ = true;
    auto done = std::move(all_done_);
    if (done) done();
  }
}

}  // namespace vpcprobe::probe
