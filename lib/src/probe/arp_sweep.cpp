#include "vpcprobe/probe/arp_sweep.hpp"

#include <algorithm>
#include <cerrno>
#include <deque>

#include "vpcprobe/wire/arp.hpp"
#include "vpcprobe/wire/ethernet.hpp"

namespace vpcprobe::probe {

namespace {
using namespace std::chrono;
using Steady = steady_clock;

std::int64_t wall_ns(net::Clock::time_point t) { return duration_cast<nanoseconds>(t.time_since_epoch()).count(); }

bool transient(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS; }
}  // namespace

// Per entry, about 80 bytes: the target, what was sent when, and the MACs that answered.
struct Answer {
  wire::Mac mac;
  std::uint8_t round = 0;
  bool unicast = false;
  float rtt_ms = 0;
};

struct Entry {
  wire::Ipv4 ip;
  std::uint32_t iface = 0;
  wire::Mac cached;
  bool has_cached = false;
  std::uint8_t rounds = 0;      // request rounds sent
  std::uint8_t answers = 0;     // distinct MACs recorded
  bool resolved = false;        // answered, given up on, or failed
  bool open = false;            // counted in State::open (sent, not yet resolved)
  bool unicast_answered = false;
  bool unicast_in_flight = false;  // this round's unicast went out; its broadcast still has to
  bool failed = false;          // a send failed for good, or the sweep stopped first: unchecked
  std::int64_t broadcast_ns = 0, unicast_ns = 0;  // wall-clock send times of the latest round
  Answer macs[kSweepMaxMacs];
};

struct ArpSweep::State {
  std::vector<SweepInterface> ifaces;
  std::vector<Entry> entries;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> index;  // (ifindex << 32 | ip) -> entry, sorted
  SweepSpec spec;
  std::size_t next = 0;                 // the next entry for its first round
  std::deque<std::uint32_t> retry;      // unanswered after a round, to be asked again
  // Round deadlines in send order: one queue for the rounds that may be followed by another (a
  // short wait), one for the last round (the rest of --timeout). Each is sorted by construction.
  std::deque<std::pair<Steady::time_point, std::uint32_t>> expiry[2];
  microseconds early_wait{0}, last_wait{0};
  std::size_t open = 0;  // entries sent and not yet resolved
  Steady::time_point grace_end{};
  Steady::time_point started{}, first_send{}, last_send{}, last_tick{};
  double tokens = 1;
  milliseconds backoff{0};
  int failures_in_a_row = 0;
  bool sending_stopped = false;
  std::uint64_t channel_retries = 0;  // the channel's own brief back-offs, when the sweep began
  SweepStats stats;

  std::uint64_t key(int ifindex, wire::Ipv4 ip) const { return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(ifindex)) << 32) | ip.value; }
  Entry* find(int ifindex, wire::Ipv4 ip) {
    const auto k = key(ifindex, ip);
    auto it = std::lower_bound(index.begin(), index.end(), std::pair<std::uint64_t, std::uint32_t>{k, 0});
    return it != index.end() && it->first == k ? &entries[it->second] : nullptr;
  }
  bool done_sending() const { return sending_stopped || (next >= entries.size() && retry.empty()); }
  void resolve(Entry& e) {
    if (e.resolved) return;
    e.resolved = true;
    if (e.open) {
      e.open = false;
      --open;
    }
  }
  std::optional<Steady::time_point> next_expiry() const {
    std::optional<Steady::time_point> t;
    for (const auto& q : expiry)
      if (!q.empty() && (!t || q.front().first < *t)) t = q.front().first;
    return t;
  }
};

std::shared_ptr<ArpSweep> ArpSweep::start(asio::io_context& io, net::Channel& channel, std::vector<SweepInterface> ifaces,
                                          std::vector<SweepTarget> targets, const SweepSpec& spec, Done done) {
  std::shared_ptr<ArpSweep> sweep(new ArpSweep(io, channel, std::move(ifaces), std::move(targets), spec, std::move(done)));
  sweep->begin();
  return sweep;
}

ArpSweep::ArpSweep(asio::io_context& io, net::Channel& channel, std::vector<SweepInterface> ifaces,
                   std::vector<SweepTarget> targets, const SweepSpec& spec, Done done)
    : io_(io), channel_(channel), timer_(io), s_(std::make_unique<State>()), done_(std::move(done)) {
  s_->ifaces = std::move(ifaces);
  s_->spec = spec;
  s_->spec.rate_pps = std::max(1.0, spec.rate_pps);
  s_->spec.rounds = std::clamp(spec.rounds, 1, 8);
  s_->entries.resize(targets.size());
  s_->index.reserve(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    auto& e = s_->entries[i];
    e.ip = targets[i].ip;
    e.iface = targets[i].iface;
    if (targets[i].cached) {
      e.cached = *targets[i].cached;
      e.has_cached = true;
    }
    const int ifindex = e.iface < s_->ifaces.size() ? s_->ifaces[e.iface].ifindex : 0;
    s_->index.emplace_back(s_->key(ifindex, e.ip), static_cast<std::uint32_t>(i));
  }
  std::sort(s_->index.begin(), s_->index.end());
  s_->stats.rate_pps = s_->spec.rate_pps;
  // --timeout is each entry's whole wait, as for a single probe: the rounds before the last wait
  // briefly (a quarter second at most, a third of the timeout at most), the last one the rest.
  const auto total = duration_cast<microseconds>(std::max(spec.wait, milliseconds(1)));
  const int rounds = s_->spec.rounds;
  s_->early_wait = rounds > 1 ? std::min<microseconds>(milliseconds(250), total / 3) : total;
  s_->last_wait = std::max<microseconds>(milliseconds(1), total - s_->early_wait * (rounds - 1));
}

ArpSweep::~ArpSweep() {
  if (listener_) channel_.unsubscribe(listener_);
}

void ArpSweep::begin() {
  s_->started = s_->last_tick = Steady::now();
  s_->channel_retries = channel_.send_retries();
  auto weak = weak_from_this();
  listener_ = channel_.subscribe([weak](const net::Received& rx) {
    auto self = weak.lock();
    return self ? self->on_frame(rx) : false;
  });
  // Never inline: the caller gets the handle before anything completes.
  asio::post(io_, [weak] {
    if (auto self = weak.lock()) self->tick();
  });
}

void ArpSweep::cancel() { finish(true); }

bool ArpSweep::send(std::uint32_t index, bool unicast_too) {
  auto& st = *s_;
  auto& e = st.entries[index];
  if (e.iface >= st.ifaces.size()) {
    e.failed = true;
    st.resolve(e);
    return true;
  }
  const auto& in = st.ifaces[e.iface];
  auto send_one = [&](const wire::Mac& dst) -> std::optional<model::SendError> {
    auto frame = wire::encode_arp_request_frame(in.mac, in.ip, e.ip, dst);
    auto sent = channel_.send_frame(frame, in.ifindex, dst, wire::kEtherTypeArp);
    if (!sent) return sent.error();
    if (dst == wire::Mac::broadcast()) {
      e.broadcast_ns = wall_ns(*sent);
      ++st.stats.broadcast_sent;
    } else {
      e.unicast_ns = wall_ns(*sent);
      e.unicast_in_flight = true;
      ++st.stats.unicast_sent;
    }
    return std::nullopt;
  };
  // The unicast first (the cached MAC's reply is then attributed to it), as the single probe does;
  // a unicast that went out before its broadcast had to wait is not sent again.
  std::optional<model::SendError> err;
  if (unicast_too && e.has_cached && !e.unicast_in_flight) err = send_one(e.cached);
  if (!err) err = send_one(wire::Mac::broadcast());
  if (err && transient(err->err)) {
    // The device queue or socket buffer is full: pause, then try this entry again.
    ++st.stats.backoffs;
    ++st.failures_in_a_row;
    st.backoff = std::min(milliseconds(64), std::max(milliseconds(2), st.backoff * 2));
    if (st.failures_in_a_row > 40) {  // about two seconds without a single send getting through
      st.sending_stopped = true;
      ++st.stats.send_failures;
    }
    return false;
  }
  st.failures_in_a_row = 0;
  st.backoff = milliseconds(0);
  e.unicast_in_flight = false;
  if (err) {  // the interface went away, or the like: this entry stays unchecked
    ++st.stats.send_failures;
    e.failed = true;
    st.resolve(e);
    return true;
  }
  const auto now = Steady::now();
  if (st.first_send == Steady::time_point{}) st.first_send = now;
  st.last_send = now;
  if (!e.open && !e.resolved) {
    e.open = true;
    ++st.open;
  }
  ++e.rounds;
  const bool last = e.rounds >= st.spec.rounds;
  st.expiry[last ? 1 : 0].emplace_back(now + (last ? st.last_wait : st.early_wait), index);
  return true;
}

void ArpSweep::tick() {
  if (finished_) return;
  auto& st = *s_;
  const auto now = Steady::now();
  // Rounds whose wait is over: ask the unanswered again, or give up on them.
  for (auto& q : st.expiry)
    while (!q.empty() && q.front().first <= now) {
      const auto idx = q.front().second;
      q.pop_front();
      auto& e = st.entries[idx];
      if (e.resolved) continue;
      if (e.rounds < st.spec.rounds) {
        if (!st.sending_stopped) {
          st.retry.push_back(idx);
          continue;
        }
        e.failed = true;  // its next round was never sent: unchecked, not silent
      }
      st.resolve(e);
    }
  // Send what the rate allows since the last tick (at most a millisecond's worth at once).
  const double per_ms = st.spec.rate_pps / 1000.0;
  st.tokens = std::min(st.tokens + duration<double, std::milli>(now - st.last_tick).count() * per_ms, std::max(2.0, 2 * per_ms));
  st.last_tick = now;
  bool paused = false;
  while (!st.done_sending()) {
    // An entry answered late, while it waited to be asked again, needs no second round.
    if (!st.retry.empty() && st.entries[st.retry.front()].resolved) {
      st.retry.pop_front();
      continue;
    }
    const bool retry = !st.retry.empty();
    const auto idx = retry ? st.retry.front() : static_cast<std::uint32_t>(st.next);
    const double cost = retry && st.entries[idx].has_cached ? 2 : 1;
    if (st.tokens < cost) break;
    if (!send(idx, retry)) {
      paused = true;
      st.tokens = 0;
      break;
    }
    st.tokens -= cost;
    if (retry) st.retry.pop_front();
    else ++st.next;
  }
  if (st.spec.progress) st.spec.progress(st.next, st.entries.size());
  if (st.sending_stopped) {  // what was never sent again stays unchecked
    for (auto idx : st.retry) {
      auto& e = st.entries[idx];
      if (!e.resolved) e.failed = true;
      st.resolve(e);
    }
    st.retry.clear();
  }
  // Done: everything sent, every entry answered or given up on, and the last answer's grace over.
  if (st.done_sending() && st.open == 0 && now >= st.grace_end) return finish(false);
  // The next tick: when the pacer has a token again (no sooner than a millisecond above 1000
  // requests a second: they go out in bursts of a millisecond's worth), when a round's wait ends,
  // or when the last grace ends.
  Steady::time_point next = Steady::time_point::max();
  if (paused) {
    next = now + st.backoff;
  } else if (!st.done_sending()) {
    const bool retry = !st.retry.empty();
    const double cost = retry && st.entries[st.retry.front()].has_cached ? 2 : 1;
    auto wait = microseconds(static_cast<long>(std::max(0.0, cost - st.tokens) / per_ms * 1000.0));
    if (per_ms >= 1) wait = std::max(wait, duration_cast<microseconds>(milliseconds(1)));
    next = now + wait;
  }
  if (auto t = st.next_expiry()) next = std::min(next, *t);
  if (st.done_sending() && st.open == 0) next = std::min(next, st.grace_end);
  if (next == Steady::time_point::max()) next = now + milliseconds(1);  // cannot happen; never spin
  arm(std::max(next, now));
}

void ArpSweep::arm(std::chrono::steady_clock::time_point at) {
  timer_.expires_at(at);  // a wait already pending is cancelled (and its handler returns)
  auto weak = weak_from_this();
  timer_.async_wait([weak](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->tick();
  });
}

bool ArpSweep::on_frame(const net::Received& rx) {
  if (finished_ || rx.outgoing) return false;
  auto& st = *s_;
  if (rx.other_host || rx.vlan_tagged) return ++st.stats.rejected, false;
  auto eth = wire::decode_ethernet(rx.bytes);
  if (!eth || eth->header.ethertype != wire::kEtherTypeArp || eth->header.vlan_id) return ++st.stats.rejected, false;
  auto arp = wire::decode_arp(eth->payload);
  if (!arp) return ++st.stats.rejected, false;
  if (arp->op == wire::ArpOp::request) return false;  // someone else asking
  Entry* e = st.find(rx.ifindex, arp->sender_ip);
  if (!e || e->rounds == 0 || e->iface >= st.ifaces.size()) return ++st.stats.rejected, false;  // never asked
  const auto& in = st.ifaces[e->iface];
  if (!wire::arp_reply_matches(*arp, e->ip, in.ip, in.mac)) return ++st.stats.rejected, false;
  ++st.stats.replies;
  for (int i = 0; i < e->answers; ++i)
    if (e->macs[i].mac == arp->sender_mac) return true;  // heard already
  if (e->answers == kSweepMaxMacs) return true;
  Answer a;
  a.mac = arp->sender_mac;
  a.round = static_cast<std::uint8_t>(e->rounds - 1);
  // The cached MAC's first reply in a round that also asked it directly answers the unicast.
  a.unicast = e->has_cached && e->unicast_ns != 0 && arp->sender_mac == e->cached && !e->unicast_answered && e->rounds >= 2;
  if (a.unicast) e->unicast_answered = true;
  const auto sent = a.unicast ? e->unicast_ns : e->broadcast_ns;
  a.rtt_ms = static_cast<float>(std::max<double>(0, static_cast<double>(wall_ns(rx.kernel_time) - sent) / 1e6));
  e->macs[e->answers++] = a;
  st.resolve(*e);
  const auto scaled = microseconds(static_cast<long>(a.rtt_ms * st.spec.grace_rtt_factor * 1000.0));
  const auto grace = std::clamp(scaled, st.spec.grace_min, std::max(st.spec.grace_min, st.spec.grace_max));
  st.grace_end = std::max(st.grace_end, Steady::now() + grace);
  // The last awaited answer: end after its grace, not at the round's deadline.
  if (st.open == 0 && st.done_sending()) arm(st.grace_end);
  return true;
}

void ArpSweep::finish(bool interrupted) {
  if (finished_) return;
  finished_ = true;
  timer_.cancel();
  if (listener_) {
    channel_.unsubscribe(listener_);
    listener_ = 0;
  }
  auto& st = *s_;
  const auto now = Steady::now();
  st.stats.interrupted = interrupted;
  // A send the channel had to retry after a brief pause (a full device queue) is a back-off too.
  st.stats.backoffs += channel_.send_retries() - st.channel_retries;
  st.stats.elapsed_ms = duration<double, std::milli>(now - st.started).count();
  const double sending_s = duration<double>(st.last_send - st.first_send).count();
  const auto sent = st.stats.broadcast_sent + st.stats.unicast_sent;
  st.stats.achieved_pps = sending_s > 0 ? static_cast<double>(sent - 1) / sending_s : 0;
  std::vector<model::ArpProbeResult> results(st.entries.size());
  for (std::size_t i = 0; i < st.entries.size(); ++i) {
    const auto& e = st.entries[i];
    auto& r = results[i];
    r.rounds = e.rounds;
    r.broadcast_sent = e.rounds;
    r.unicast_sent = e.has_cached ? std::max(0, e.rounds - 1) : 0;
    r.replies.reserve(e.answers);
    for (int k = 0; k < e.answers; ++k) {
      const auto& a = e.macs[k];
      r.replies.push_back({a.mac, a.mac, a.rtt_ms, a.round, a.unicast, std::nullopt, std::nullopt});
    }
    // Never asked, or cut short before it was answered or its wait was over: not checked.
    r.interrupted = e.rounds == 0 || e.failed || (interrupted && !e.resolved);
  }
  // Nothing of ours is referenced after this: the State (a few bytes an entry) goes now.
  s_->entries = {};
  s_->index = {};
  auto stats = st.stats;
  asio::post(io_, [done = std::move(done_), results = std::move(results), stats]() mutable { done(std::move(results), stats); });
}

}  // namespace vpcprobe::probe
