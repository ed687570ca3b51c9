#pragma once
// A running async probe. cancel() completes it at once with an "interrupted" outcome (SIGINT, a
// global deadline); completion handlers always run from the io_context, never inline.
#include <functional>
#include <memory>
#include <vector>

#include "vpcprobe/net/asio.hpp"

namespace vpcprobe::probe {

class Operation {
 public:
  virtual ~Operation() = default;
  virtual void cancel() = 0;
};
using OperationPtr = std::shared_ptr<Operation>;

// What every probe operation shares: a timer, the result being built, and one completion that
// posts the result (never calls it inline) exactly once.
template <class R>
class ProbeOperation : public Operation {
 protected:
  ProbeOperation(asio::io_context& io, std::function<void(R)> done) : io_(io), done_(std::move(done)), timer_(io) {}

  void complete() {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    release();
    asio::post(io_, [done = std::move(done_), result = result_]() mutable { done(std::move(result)); });
  }
  // Lets go of sockets and listeners; runs once, from complete().
  virtual void release() {}

  asio::io_context& io_;
  std::function<void(R)> done_;
  asio::steady_timer timer_;
  R result_{};
  bool finished_ = false;
};

// Starts operation i at offsets[i] after start() (launch(i) starts it and returns its handle);
// `all_done` runs once every started operation has completed. cancel() stops launching and
// cancels what is running.
class Schedule : public std::enable_shared_from_this<Schedule> {
 public:
  using Launch = std::function<OperationPtr(int index, std::function<void()> completed)>;
  using Duration = asio::steady_timer::duration;
  Schedule(asio::io_context& io, std::vector<Duration> offsets, Launch launch, std::function<void()> all_done);
  // count operations, interval apart
  static std::vector<Duration> evenly(int count, Duration interval);
  void start();
  void cancel();

 private:
  void launch_next();
  void completed_one();

  asio::steady_timer timer_;
  std::vector<Duration> offsets_;
  asio::steady_timer::time_point started_;
  Launch launch_;
  std::function<void()> all_done_;
  std::vector<std::weak_ptr<Operation>> running_;
  int launched_ = 0;
  int completed_ = 0;
  bool stopped_ = false;
  bool finished_ = false;
};

}  // namespace vpcprobe::probe
