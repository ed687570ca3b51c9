#include "vpcprobe/probe/arp.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "vpcprobe/wire/arp.hpp"
#include "vpcprobe/wire/ethernet.hpp"
#include "vpcprobe/wire/icmpv6.hpp"

namespace vpcprobe::probe {

namespace {

using namespace std::chrono;

double ms_between(net::Clock::time_point from, net::Clock::time_point to) {
  return duration<double, std::milli>(to - from).count();
}

class ArpOperation : public ProbeOperation<model::ArpProbeResult>, public std::enable_shared_from_this<ArpOperation> {
 public:
  ArpOperation(asio::io_context& io, net::Channel& ch, ArpSpec spec,
               std::function<void(model::ArpProbeResult)> done)
      : ProbeOperation(io, std::move(done)), channel_(ch), spec_(std::move(spec)) {}

  void cancel() override {
    if (!finished_) result_.interrupted = true;
    finish();
  }

  void start() {
    started_ = steady_clock::now();
    auto self = shared_from_this();
    listener_ = channel_.subscribe([self](const net::Received& rx) { return self->on_frame(rx); });
    send_round();
  }

 private:
  void send_round() {
    Round round;
    const bool ndp = spec_.target.is_v6();
    auto send_to = [&](const wire::Mac& dst, net::Clock::time_point& sent_at) {
      wire::Mac to = dst;
      wire::Bytes frame;
      if (ndp) {
        // Broadcast means the solicited-node group; unicast, the target itself at the cached MAC.
        const auto target = spec_.target.v6();
        const auto group = wire::solicited_node(target);
        const bool multicast = dst.is_broadcast();
        if (multicast) to = wire::multicast_mac(group);
        frame = wire::encode_neighbor_solicit_frame(spec_.our_mac, to, spec_.our_ip.v6(), multicast ? group : target, target);
      } else {
        frame = wire::encode_arp_request_frame(spec_.our_mac, spec_.our_ip.v4(), spec_.target.v4(), dst);
      }
      auto sent = channel_.send_frame(frame, spec_.ifindex, to, ndp ? wire::kEtherTypeIpv6 : wire::kEtherTypeArp);
      if (!sent) {
        result_.send_errors.push_back(sent.error());
        return false;
      }
      sent_at = *sent;
      return true;
    };
    if (spec_.unicast_to && send_to(*spec_.unicast_to, round.unicast_at)) ++result_.unicast_sent;
    if (send_to(wire::Mac::broadcast(), round.broadcast_at)) ++result_.broadcast_sent;
    rounds_.push_back(round);
    result_.rounds++;
    if (result_.rounds < spec_.count) {
      timer_.expires_after(spec_.interval);
    } else {
      timer_.expires_after(spec_.wait);
    }
    auto self = shared_from_this();
    timer_.async_wait([self](boost::system::error_code ec) {
      if (ec || self->finished_) return;
      if (self->result_.rounds < self->spec_.count)
        self->send_round();
      else
        self->finish();
    });
  }

  bool on_frame(const net::Received& rx) {
    if (finished_ || rx.outgoing || rx.ifindex != spec_.ifindex) return false;
    // A frame for another host, or one tagged for a VLAN this interface is not, answers nothing we
    // asked on this interface.
    if (rx.other_host || rx.vlan_tagged) return reject();
    auto eth = wire::decode_ethernet(rx.bytes);
    if (!eth || eth->header.vlan_id) return reject();
    model::ArpReply reply;
    reply.eth_src = eth->header.src;
    if (spec_.target.is_v6()) {
      if (eth->header.ethertype != wire::kEtherTypeIpv6) return false;  // other traffic on the socket
      auto a = wire::match_neighbor_advert(eth->payload, eth->header.src, spec_.target.v6(), spec_.our_ip.v6(),
                                           spec_.unicast_to.has_value());
      // Other IPv6 traffic, and another probe's advertisements (a neighbor audit shares the
      // socket), are neither ours nor counted here.
      if (a.match == wire::NdpMatch::not_advert || a.match == wire::NdpMatch::other_target) return false;
      if (a.match == wire::NdpMatch::rejected) return reject();
      reply.mac = a.mac;
      reply.ndp = model::ArpReply::NdpFlags{a.advert.router, a.advert.solicited, a.advert.override_flag};
    } else {
      if (eth->header.ethertype != wire::kEtherTypeArp) return reject();
      auto arp = wire::decode_arp(eth->payload);
      if (!arp) return reject();
      if (arp->op == wire::ArpOp::request) return false;  // someone else asking; not an answer
      if (!wire::arp_reply_matches(*arp, spec_.target.v4(), spec_.our_ip.v4(), spec_.our_mac)) return reject();
      reply.mac = arp->sender_mac;
    }
    const wire::Mac& answering = reply.mac;
    // The cached MAC's first reply in a round answers the unicast request (sent first); every
    // other reply answers the broadcast.
    Round& round = rounds_.back();
    reply.unicast = spec_.unicast_to && answering == *spec_.unicast_to && !round.unicast_answered &&
                    round.unicast_at != net::Clock::time_point{};
    if (reply.unicast) round.unicast_answered = true;
    auto sent_at = reply.unicast ? round.unicast_at : round.broadcast_at;
    reply.rtt_ms = std::max(0.0, ms_between(sent_at, rx.kernel_time));
    reply.round = static_cast<int>(rounds_.size()) - 1;
    reply.vlan = eth->header.vlan_id;
    result_.replies.push_back(reply);
    if (result_.rounds >= spec_.count || spec_.finish_when_answered) schedule_grace();
    return true;
  }

  // Garbage or a reply to somebody else's question on our interface: counted, never attributed.
  bool reject() {
    ++result_.rejected;
    return false;
  }

  // Once the last round has an answer, wait only a short grace for a second MAC (an IP
  // conflict answers within the same few milliseconds), not the whole timeout.
  void schedule_grace() {
    if (grace_armed_) return;
    if (spec_.unicast_to && !result_.mac_answered(*spec_.unicast_to)) return;  // wait for it
    grace_armed_ = true;
    double slowest = 0;
    for (auto& r : result_.replies) slowest = std::max(slowest, r.rtt_ms);
    const auto scaled = microseconds(static_cast<long>(slowest * spec_.grace_rtt_factor * 1000.0));
    const auto grace = std::clamp(scaled, spec_.grace_min, std::max(spec_.grace_min, spec_.grace_max));
    const auto left = duration_cast<microseconds>(timer_.expiry() - steady_clock::now());
    if (grace >= left) return;
    grace_from_ = steady_clock::now();
    timer_.expires_after(grace);
    auto self = shared_from_this();
    timer_.async_wait([self](boost::system::error_code ec) {
      if (!ec && !self->finished_) self->finish();
    });
  }

  void finish() {
    if (!finished_) {
      const auto now = steady_clock::now();
      result_.elapsed_ms = duration<double, std::milli>(now - started_).count();
      if (grace_from_) result_.listened_after_answer_ms = duration<double, std::milli>(now - *grace_from_).count();
    }
    complete();
  }
  void release() override { channel_.unsubscribe(listener_); }

  net::Channel& channel_;
  ArpSpec spec_;
  struct Round {
    net::Clock::time_point unicast_at{};
    net::Clock::time_point broadcast_at{};
    bool unicast_answered = false;
  };
  std::vector<Round> rounds_;
  steady_clock::time_point started_;
  int listener_ = 0;
  bool grace_armed_ = false;
  std::optional<steady_clock::time_point> grace_from_;
};

}  // namespace

ArpSpec quick_check_spec(std::chrono::milliseconds timeout) {
  ArpSpec spec;
  spec.count = 2;
  spec.interval = std::min(std::chrono::milliseconds(200), timeout / 4);
  spec.wait = timeout - spec.interval;
  spec.finish_when_answered = true;
  spec.grace_min = std::chrono::milliseconds(4);
  spec.grace_max = std::chrono::milliseconds(20);
  spec.grace_rtt_factor = 8;
  return spec;
}

OperationPtr async_arp(asio::io_context& io, net::Channel& channel, const ArpSpec& spec,
                       std::function<void(model::ArpProbeResult)> done) {
  auto op = std::make_shared<ArpOperation>(io, channel, spec, std::move(done));
  op->start();
  return op;
}

}  // namespace vpcprobe::probe
