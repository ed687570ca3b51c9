// The diagnose verdict engine, table-driven: a healthy private path (db.vpc.internal ->
// 10.124.0.5:5432 on-link on vpc0) and a healthy public path (198.51.100.10:5432 via gateway
// 192.0.2.1 on pub0), one named mutation per row, and what the engine must conclude.
#include <doctest/doctest.h>

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/diag/verdict.hpp"
#include "vpcprobe/render/diagnose.hpp"

using namespace vpcprobe;
using model::Check;
using model::Layer;
using model::PathResult;
using model::RouteType;
using model::Status;
using model::TcpState;

namespace {

wire::IpAddr ip(const char* s) { return *wire::IpAddr::parse(s); }
wire::Mac mac(const char* s) { return *wire::Mac::parse(s); }

const wire::Mac kDbMac = mac("02:00:00:00:00:05");
const wire::Mac kGwMac = mac("02:00:00:00:00:01");
const wire::Mac kOldMac = mac("02:00:00:00:00:aa");
const wire::Mac kNewMac = mac("02:00:00:00:00:bb");
constexpr std::uint32_t kUp = model::iff::up | model::iff::broadcast | model::iff::lower_up;

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// ---- builder ------------------------------------------------------------------------------------

model::LinkInfo link(int ifindex, const char* name, std::uint32_t flags = kUp) {
  const bool lower = (flags & model::iff::lower_up) != 0;
  return model::LinkInfo{ifindex, name, flags, 1, std::uint8_t(lower ? 6 : 2), 1500, std::uint8_t(lower), mac("02:00:00:00:10:00")};
}

model::NeighEntry neigh(int ifindex, wire::IpAddr addr, std::optional<wire::Mac> m, std::uint16_t state) {
  return model::NeighEntry{ifindex, addr, m, state, 0, 0, {}, {}};
}

model::ArpProbeResult arp_answered_by(const std::vector<wire::Mac>& macs) {
  model::ArpProbeResult a;
  a.rounds = a.broadcast_sent = a.unicast_sent = 2;
  int round = 0;
  for (const auto& m : macs) a.replies.push_back({m, m, 0.2, round++ % 2, false, std::nullopt, std::nullopt});
  return a;
}

// The meaning is what render/ will say of type and code; kept here so the rows read as before.
model::IcmpErrorInfo icmp(std::uint8_t type, std::uint8_t code, const char* from, const char* /*meaning*/, std::uint16_t mtu = 0) {
  return model::IcmpErrorInfo{type, code, mtu, ip(from)};
}

// A series of five echo replies and five open SYNs, every DF size answered.
constexpr int kSeries = 5;
void all_answer(PathResult& p, double rtt) {
  p.echoes.clear();
  p.syns.clear();
  for (int i = 1; i <= kSeries; ++i) {
    p.echoes.push_back(model::EchoResult{i, model::EchoOutcome::reply, rtt, 64, 64, std::nullopt, std::nullopt});
    p.syns.push_back(model::TcpResult{*p.port, i, TcpState::open, model::TcpSignal::syn_ack, rtt, std::nullopt, 0, 0});
  }
  p.echo_method = model::ProbeMethod::raw;
  p.tcp_method = model::ProbeMethod::raw;
  p.mtu_probes = {{1500, true, std::nullopt}, {1450, true, std::nullopt}, {1400, true, std::nullopt}, {1280, true, std::nullopt}};
}

PathResult healthy_private() {
  PathResult p;
  p.role = model::Path::private_;
  p.input = "db.vpc.internal";
  p.port = 5432;
  p.target = model::TargetInfo{"db.vpc.internal", ip("10.124.0.5"), true, 1.2, std::nullopt, ""};
  p.route = model::RouteInfo{RouteType::unicast, 3, std::nullopt, ip("10.124.0.10"), 254};
  p.link = link(3, "vpc0");
  p.next_hop = ip("10.124.0.5");
  p.neigh_before = p.neigh_after = neigh(3, ip("10.124.0.5"), kDbMac, model::nud::reachable);
  p.arp = arp_answered_by({kDbMac});
  all_answer(p, 0.4);
  return p;
}

PathResult healthy_public() {
  PathResult p;
  p.role = model::Path::public_;
  p.input = "198.51.100.10";
  p.port = 5432;
  p.target = model::TargetInfo{"198.51.100.10", ip("198.51.100.10"), false, 0, std::nullopt, ""};
  p.route = model::RouteInfo{RouteType::unicast, 4, ip("192.0.2.1"), ip("192.0.2.10"), 254};
  p.link = link(4, "pub0");
  p.next_hop = ip("192.0.2.1");
  p.neigh_before = p.neigh_after = neigh(4, ip("192.0.2.1"), kGwMac, model::nud::reachable);
  p.arp = arp_answered_by({kGwMac});
  all_answer(p, 12.0);
  return p;
}

// ---- mutation helpers ---------------------------------------------------------------------------

void echo_timeout(PathResult& p) {
  for (auto& e : p.echoes) {
    e.outcome = model::EchoOutcome::timeout;
    e.rtt_ms = 0;
    e.ttl.reset();
  }
  for (auto& m : p.mtu_probes) m.answered = false;
}
void set_tcp(PathResult& p, TcpState s, std::optional<model::IcmpErrorInfo> err = std::nullopt) {
  for (auto& t : p.syns) {
    t.state = s;
    t.error = err;
    t.signal = s == TcpState::closed ? model::TcpSignal::rst : s == TcpState::rejected ? model::TcpSignal::icmp_error
                                                                                     : model::TcpSignal::no_answer;
  }
}
void nothing_answers(PathResult& p) { echo_timeout(p); set_tcp(p, TcpState::filtered); }
// The kernel's route drops the traffic: no link, no next hop, and so no probes at all.
void broken_route(PathResult& p, RouteType t) {
  p.route = model::RouteInfo{t, 0, std::nullopt, std::nullopt, 254};
  p.link.reset();
  p.next_hop.reset();
  p.neigh_before.reset();
  p.neigh_after.reset();
  p.arp.reset();
  p.echoes.clear();
  p.syns.clear();
  p.mtu_probes.clear();
}
// Private path routed via 10.124.0.1 (whose ARP entry is fine) instead of on-link.
void via_private_gateway(PathResult& p) {
  p.route->gateway = ip("10.124.0.1");
  p.next_hop = ip("10.124.0.1");
  p.neigh_before = p.neigh_after = neigh(3, ip("10.124.0.1"), kGwMac, model::nud::reachable);
  p.arp = arp_answered_by({kGwMac});
}
// The next hop's entry is a PERMANENT old MAC; a new MAC answers ARP; traffic goes nowhere.
void stale_entry(PathResult& p) {
  p.neigh_before = p.neigh_after = neigh(p.link->ifindex, *p.next_hop, kOldMac, model::nud::permanent);
  p.arp = arp_answered_by({kNewMac});
  nothing_answers(p);
}
void arp_not_run(PathResult& p) {
  p.arp.reset();
  p.arp_not_run = model::NotRun{model::Cause::no_privilege, "CAP_NET_RAW"};
  p.echo_method = p.tcp_method = model::ProbeMethod::connect;
}

// ---- named mutations (shared by the verdict table and the row table) -----------------------------

void healthy(PathResult&) {}
void numeric(PathResult& p) { p.input = p.target->name = "10.124.0.5"; p.target->was_name = false; }
void no_dns(PathResult& p) { p.target.reset(); p.dns_error = model::DnsFailure{model::DnsFailure::Kind::not_found, "Name or service not known"}; }
void route_blackhole(PathResult& p) { broken_route(p, RouteType::blackhole); }
void route_unreachable(PathResult& p) { broken_route(p, RouteType::unreachable); }
void route_prohibit(PathResult& p) { broken_route(p, RouteType::prohibit); }
void route_none(PathResult& p) { broken_route(p, RouteType::no_route); }
void link_admin_down(PathResult& p) {
  p.link = link(3, "vpc0", model::iff::broadcast);
  p.arp = arp_answered_by({});
  nothing_answers(p);
}
void link_no_carrier(PathResult& p) {
  p.link = link(3, "vpc0", model::iff::up | model::iff::broadcast);
  p.arp = arp_answered_by({});
  nothing_answers(p);
}
// vpc0 (holding 10.124.0.10/20) is down, so the kernel sends 10.124.0.5 out eth0 to the default gateway.
void link_down_detour(PathResult& p) {
  p.down_links_for_target = {{link(3, "vpc0", model::iff::broadcast), model::AddrInfo{3, ip("10.124.0.10"), 20}}};
  p.route = model::RouteInfo{RouteType::unicast, 2, ip("10.0.0.1"), ip("10.0.0.20"), 254};
  p.link = link(2, "eth0");
  p.next_hop = ip("10.0.0.1");
  p.neigh_before = p.neigh_after = neigh(2, ip("10.0.0.1"), kGwMac, model::nud::reachable);
  p.arp = arp_answered_by({kGwMac});
  nothing_answers(p);
}
void neigh_stale(PathResult& p) { stale_entry(p); }
void neigh_stale_gateway(PathResult& p) { via_private_gateway(p); stale_entry(p); }
void neigh_conflict(PathResult& p) { p.arp = arp_answered_by({kDbMac, kNewMac}); nothing_answers(p); }
void arp_silent_dead(PathResult& p) { p.arp = arp_answered_by({}); nothing_answers(p); }
void arp_silent_tcp_open(PathResult& p) { p.arp = arp_answered_by({}); echo_timeout(p); }
void arp_not_run_permanent(PathResult& p) {
  arp_not_run(p);
  p.neigh_before = p.neigh_after = neigh(3, ip("10.124.0.5"), kOldMac, model::nud::permanent);
  nothing_answers(p);
}
void arp_not_run_failed(PathResult& p) {
  arp_not_run(p);
  p.neigh_before = p.neigh_after = neigh(3, ip("10.124.0.5"), std::nullopt, model::nud::failed);
  for (auto& e : p.echoes) {  // the kernel itself says host unreachable
    e.outcome = model::EchoOutcome::icmp_error;
    e.error = icmp(3, 1, "10.124.0.10", "host unreachable");
  }
  set_tcp(p, TcpState::error);
}
void arp_not_run_tcp_open(PathResult& p) { arp_not_run(p); echo_timeout(p); }
void router_unreachable(PathResult& p) {
  via_private_gateway(p);
  for (auto& e : p.echoes) {
    e.outcome = model::EchoOutcome::icmp_error;
    e.error = icmp(3, 1, "10.124.0.1", "host unreachable");
  }
  set_tcp(p, TcpState::rejected, icmp(3, 1, "10.124.0.1", "host unreachable"));
}
void echo_blocked_tcp_open(PathResult& p) { echo_timeout(p); }
void echo_blocked_tcp_filtered(PathResult& p) { nothing_answers(p); }
void tcp_closed(PathResult& p) { set_tcp(p, TcpState::closed); }
void tcp_admin_rejected(PathResult& p) {
  set_tcp(p, TcpState::rejected, icmp(3, 13, "10.124.0.5", "communication administratively prohibited"));
}
void tcp_filtered(PathResult& p) { set_tcp(p, TcpState::filtered); }
void no_port(PathResult& p) { p.port.reset(); p.syns.clear(); p.tcp_method.reset(); }
void mtu_black_hole(PathResult& p) { p.mtu_probes[0].answered = p.mtu_probes[1].answered = false; }
void mtu_frag_needed(PathResult& p) {  // 1500 and 1450 answered by the router's frag-needed
  for (auto* m : {&p.mtu_probes[0], &p.mtu_probes[1]}) {
    m->answered = false;
    m->error = icmp(3, 4, "10.124.0.1", "fragmentation needed (next-hop MTU 1400)", 1400);
  }
}
void blackhole_and_filtered(PathResult& p) { p.route->type = RouteType::blackhole; nothing_answers(p); }

// ---- loss, local drops, a private path that is not private ----------------------------------------

void lose_echo(model::EchoResult& e) {
  e.outcome = model::EchoOutcome::timeout;
  e.rtt_ms = 0;
  e.ttl.reset();
}
void lose_syn(model::TcpResult& t) {
  t.state = TcpState::filtered;
  t.signal = model::TcpSignal::no_answer;
  t.rtt_ms = 0;
}
void echo_loss(PathResult& p) {  // echoes 1, 3 and 5 lost
  for (std::size_t i = 0; i < p.echoes.size(); i += 2) lose_echo(p.echoes[i]);
}
void syn_loss(PathResult& p) {  // SYNs 1 and 4 lost
  for (std::size_t i = 0; i < p.syns.size(); i += 3) lose_syn(p.syns[i]);
}
void lossy(PathResult& p) { echo_loss(p); syn_loss(p); }
void lossy_big_size_lost(PathResult& p) { lossy(p); p.mtu_probes[0].answered = false; }
void lossy_syns_lucky_echoes(PathResult& p) {  // the echoes all came back; SYNs and the biggest DF size did not
  for (std::size_t i = 0; i < p.syns.size(); i += 2) lose_syn(p.syns[i]);
  p.mtu_probes[0].answered = false;
}
void echo_refused_here(PathResult& p) {
  for (auto& e : p.echoes) {
    lose_echo(e);
    e.outcome = model::EchoOutcome::send_error;
    e.send_error = model::SendError{EPERM, 1};
  }
  for (auto& m : p.mtu_probes) m.answered = false;
}
void syn_refused_here(PathResult& p) {
  for (auto& t : p.syns) {
    lose_syn(t);
    t.state = TcpState::error;
    t.signal = model::TcpSignal::send_failed;
    t.err = EPERM;
    t.tries = 1;
  }
}
void all_refused_here(PathResult& p) { echo_refused_here(p); syn_refused_here(p); }
void replies_dropped_here(PathResult& p) {
  nothing_answers(p);
  p.witness = model::WireWitness{5, 5, 5, 5, 3, 3, "vpc0", "vpc0", 0, false};
}
void replies_come_back_elsewhere(PathResult& p) {
  nothing_answers(p);
  p.witness = model::WireWitness{5, 5, 5, 5, 3, 4, "vpc0", "pub0", 1, true};
}
// The kernel sends the private path out of pub0 via 192.0.2.1 (the public path's way), by the
// default route (prefix 0) or by a route of its own (`prefix`).
void out_public_side(PathResult& p, int prefix) {
  p.route = model::RouteInfo{RouteType::unicast, 4, ip("192.0.2.1"), ip("192.0.2.10"), 254};
  p.route_prefix = prefix;
  p.link = link(4, "pub0");
  p.next_hop = ip("192.0.2.1");
  p.neigh_before = p.neigh_after = neigh(4, ip("192.0.2.1"), kGwMac, model::nud::reachable);
  p.arp = arp_answered_by({kGwMac});
}
void resolves_public(PathResult& p) {
  p.target->addr = ip("198.51.100.10");
  out_public_side(p, 0);
}
void resolves_public_own_route(PathResult& p) {
  p.target->addr = ip("203.0.113.7");
  p.route_prefix = 24;
}
void via_default(PathResult& p) { out_public_side(p, 0); }
void one_nic_vm(PathResult& p) {  // everything, the VPC too, by the default route via the VPC router
  out_public_side(p, 0);
  p.route->gateway = ip("10.0.0.1");
  p.route->prefsrc = ip("10.0.0.20");
  p.link = link(4, "eth0");
  p.next_hop = ip("10.0.0.1");
}
void via_public_side(PathResult& p) { out_public_side(p, 32); }
void via_default_dead_end(PathResult& p) {  // the public router has no way to a private address
  out_public_side(p, 0);
  for (auto& e : p.echoes) {
    lose_echo(e);
    e.outcome = model::EchoOutcome::icmp_error;
    e.error = icmp(3, 0, "192.0.2.1", "net unreachable");
  }
  set_tcp(p, TcpState::rejected, icmp(3, 0, "192.0.2.1", "net unreachable"));
}
void public_is_private(PathResult& p) {
  p.input = "db.public.example";
  p.target = model::TargetInfo{"db.public.example", ip("10.124.0.5"), true, 0.3, std::nullopt, ""};
}
void mtu_untested(PathResult& p) {
  p.mtu_probes.clear();
  p.mtu_not_run = model::NotRun{model::Cause::no_privilege, "CAP_NET_RAW"};
}

// ---- the application layer ------------------------------------------------------------------------

model::AppResult app_result(model::AppOutcome o) {
  model::AppResult a;
  a.protocol = model::AppProtocol::postgres;
  a.outcome = o;
  a.connect_ms = 0.3;
  a.total_ms = 1000;
  return a;
}
void ask_postgres(PathResult& p) { p.app.protocol = model::AppProtocol::postgres; }
void app_answers_n(PathResult& p) {
  ask_postgres(p);
  p.app_result = app_result(model::AppOutcome::answered);
  p.app_result->spoke = model::Spoken::postgres;
  p.app_result->answer = "N";
  p.app_result->first_byte_ms = 0.5;
  p.app_result->total_ms = 1;
}
void app_silent(PathResult& p) {
  ask_postgres(p);
  p.app_result = app_result(model::AppOutcome::silent);
}
void app_request_lost(PathResult& p) {
  app_silent(p);
  p.app_result->bytes_sent = 8;
  p.app_result->request_acked = false;
  p.app_result->retransmits = 3;
}
void app_out_of_time(PathResult& p) {
  ask_postgres(p);
  p.app_result = app_result(model::AppOutcome::interrupted);
  p.app_result->out_of_time = true;
}
void app_request_held_here(PathResult& p) {
  app_request_lost(p);
  p.app_result->request_held_here = true;
  p.app_result->retransmits = 0;
}
void app_reset(PathResult& p) {
  ask_postgres(p);
  p.app_result = app_result(model::AppOutcome::reset);
  p.app_result->err = ECONNRESET;
}
void app_intermittent(PathResult& p) {
  app_reset(p);
  p.app_tries = 2;
  p.app_answered = 1;
  model::AppResult ok = app_result(model::AppOutcome::answered);
  ok.answer = "N";
  p.app_answer = ok;
}
void app_closed(PathResult& p) {
  ask_postgres(p);
  p.app_result = app_result(model::AppOutcome::closed);
}
void app_speaks_http(PathResult& p) {
  ask_postgres(p);
  p.app_result = app_result(model::AppOutcome::other_protocol);
  p.app_result->spoke = model::Spoken::http;
  const std::string first = "HTTP/1.1 400 Bad";
  p.app_result->first_bytes.assign(first.begin(), first.end());
}
model::TlsFacts self_signed() {
  model::TlsFacts t;
  t.version = "TLSv1.3";
  t.cipher = "TLS_AES_256_GCM_SHA384";
  t.subject = t.issuer = "CN=db.vpc.internal";
  t.not_after = t.earliest_expiry = 1800000000;
  t.days_left = 30;
  t.chain_length = 1;
  t.verify_error = "self-signed certificate";
  return t;
}
void tls_self_signed(PathResult& p) {
  p.port = 443;
  p.app.protocol = model::AppProtocol::tls;
  p.app_result = app_result(model::AppOutcome::answered);
  p.app_result->protocol = model::AppProtocol::tls;
  p.app_result->tls = self_signed();
  p.app_result->client_hello_bytes = 1725;
}
void tls_self_signed_strict(PathResult& p) {
  tls_self_signed(p);
  p.app.verify_cert = true;
}
void tls_refused(PathResult& p) {
  p.port = 443;
  p.app.protocol = model::AppProtocol::tls;
  p.app_result = app_result(model::AppOutcome::handshake_failed);
  p.app_result->protocol = model::AppProtocol::tls;
  p.app_result->tls_error = "tlsv1 unrecognized name";
}
void app_silent_lossy_syns(PathResult& p) { syn_loss(p); app_silent(p); }
void app_silent_lossy_echoes(PathResult& p) { echo_loss(p); app_silent(p); }
void tls_silent_mtu_black_hole(PathResult& p) {
  mtu_black_hole(p);
  p.port = 443;
  p.app.protocol = model::AppProtocol::tls;
  p.app_result = app_result(model::AppOutcome::silent);
  p.app_result->protocol = model::AppProtocol::tls;
  p.app_result->client_hello_bytes = 1725;
}
void app_reset_mtu_untested(PathResult& p) { mtu_untested(p); app_reset(p); }
void app_silent_mtu_untested(PathResult& p) { mtu_untested(p); app_silent(p); }
void app_port_closed(PathResult& p) {
  tcp_closed(p);
  ask_postgres(p);
  p.app_not_run = model::NotRun{model::Cause::below_failure, {}};
}

// ---- verdict table ------------------------------------------------------------------------------

using Mutation = void (*)(PathResult&);
constexpr Mutation kNoPublic = nullptr;

struct Case {
  const char* name;
  Mutation priv;
  Mutation pub;  // kNoPublic: diagnose without a public path
  Status status;
  Layer layer;
  const char* path;
  const char* words;  // expected in the summary or the fix
};

model::Diagnosis run(Mutation priv, Mutation pub) {
  model::Diagnosis d;
  d.private_path = healthy_private();
  priv(d.private_path);
  if (pub) {
    d.public_path = healthy_public();
    pub(*d.public_path);
  }
  diag::judge(d);
  return d;
}

void check_case(const Case& c) {
  auto d = run(c.priv, c.pub);
  const auto& v = d.verdict;
  const auto fix = render::fix_text(d);
  const std::string words = render::verdict_summary(d) + "\nfix: " + fix.value_or("(none)");
  INFO(words);
  CHECK(model::status_name(v.status) == model::status_name(c.status));
  CHECK(model::layer_name(v.layer) == model::layer_name(c.layer));
  CHECK(model::path_name(v.path) == std::string(c.path));
  CHECK(contains(words, c.words));
  CHECK(d.private_layers.size() == std::size(model::kLayers));
  CHECK(d.public_layers.size() == (c.pub ? std::size(model::kLayers) : 0u));
  // A named broken layer always comes with a fix; ok and unknown never do.
  bool broken = v.status == Status::failing || v.status == Status::degraded;
  CHECK(v.fix.has_value() == broken);
  CHECK(fix.has_value() == broken);
}

const Case kCases[] = {
    {"application: PostgreSQL answers N on both paths", app_answers_n, app_answers_n, Status::ok, Layer::none, "none",
     "works (PostgreSQL (SSLRequest: N) 0.5 ms)"},
    {"application: private accepts and stays silent", app_silent, app_answers_n, Status::failing, Layer::application, "private",
     "accepted the connection (connect 0.3 ms) and then said nothing"},
    {"application: the fix for a silent service", app_silent, healthy, Status::failing, Layer::application, "private",
     "ss -ltn 'sport = :5432'"},
    {"application: the request never acknowledged: lost on the way", app_request_lost, healthy, Status::failing, Layer::application,
     "private", "was never acknowledged (3 retransmissions"},
    {"application: a request this host never sent: its own firewall", app_request_held_here, healthy, Status::failing,
     Layer::application, "private", "find the local rule that refuses the data to TCP port 5432 (the handshake passes) to 10.124.0.5"},
    {"application: the fix for a request lost on the way", app_request_lost, healthy, Status::failing, Layer::application, "private",
     "dropped after the handshake"},
    {"application: a timeout too short to ask is not tested, never a failure", app_out_of_time, healthy, Status::ok, Layer::none,
     "none", "works as far as tested (5432 open 0.40 ms); the application layer could not be tested"},
    {"application: one connection reset, one answered: intermittent", app_intermittent, healthy, Status::degraded,
     Layer::application, "private", "Of 2 connections to 10.124.0.5:5432, 1 failed (reset after accept) and 1 answered"},
    {"application: the fix for an intermittent service", app_intermittent, healthy, Status::degraded, Layer::application, "private",
     "find the failing backend"},
    {"application: reset after accept", app_reset, healthy, Status::failing, Layer::application, "private", "reset it"},
    {"application: closed without a word", app_closed, healthy, Status::failing, Layer::application, "private",
     "closed it 999.7 ms after the PostgreSQL SSLRequest without sending a byte"},
    {"application: another protocol answers", app_speaks_http, healthy, Status::failing, Layer::application, "private",
     "in HTTP, not PostgreSQL: \"HTTP/1.1 400 Bad\""},
    {"application: the fix names the process", app_speaks_http, healthy, Status::failing, Layer::application, "private",
     "ss -ltnp 'sport = :5432'"},
    {"application: a self-signed certificate is a warning", tls_self_signed, tls_self_signed, Status::ok, Layer::none, "none",
     "works (TLSv1.3, cert not verified)"},
    {"application: --verify-cert makes it a failure", tls_self_signed_strict, healthy, Status::failing, Layer::application, "private",
     "openssl s_client -connect 10.124.0.5:443 -servername db.vpc.internal"},
    {"application: TLS handshake refused", tls_refused, healthy, Status::failing, Layer::application, "private",
     "The TLS handshake with 10.124.0.5:443 failed: tlsv1 unrecognized name"},
    {"application: only the public service is silent", healthy, app_silent, Status::degraded, Layer::application, "public",
     "fails at the application layer"},
    {"application: silence on a path that loses SYNs is the loss", app_silent_lossy_syns, healthy, Status::degraded, Layer::transport,
     "private", "intermittent"},
    {"application: silence while only the echoes show loss (every SYN lucky) is the loss too", app_silent_lossy_echoes, healthy,
     Status::degraded, Layer::network, "private", "intermittent loss"},
    {"application: a TLS endpoint silent behind an MTU black hole: the MTU", tls_silent_mtu_black_hole, healthy, Status::failing,
     Layer::mtu, "private", "ip link set dev vpc0 mtu 1400"},
    {"application: a reset is not explained by an untested MTU", app_reset_mtu_untested, healthy, Status::failing, Layer::application,
     "private", "reset it"},
    {"application: silence may be an untested MTU", app_silent_mtu_untested, healthy, Status::unknown, Layer::unknown, "private",
     "the mtu layer could not be tested and could be the cause"},
    {"application: a closed port is the transport's failure", app_port_closed, healthy, Status::failing, Layer::transport, "private",
     "make it listen on 10.124.0.5 port 5432"},
    {"healthy pair", healthy, healthy, Status::ok, Layer::none, "none", "private path to db.vpc.internal (10.124.0.5:5432) works (5432 open"},
    {"healthy private, no public path", healthy, kNoPublic, Status::ok, Layer::none, "none", "works (5432 open 0.40 ms)"},
    {"dns: name does not resolve", no_dns, healthy, Status::failing, Layer::dns, "private", "getent hosts db.vpc.internal"},
    {"dns: numeric address", numeric, healthy, Status::ok, Layer::none, "none", "private path to 10.124.0.5:5432 works"},
    {"route: blackhole", route_blackhole, healthy, Status::failing, Layer::route, "private", "delete the blackhole route"},
    {"route: unreachable", route_unreachable, healthy, Status::failing, Layer::route, "private", "delete the unreachable route"},
    {"route: prohibit", route_prohibit, healthy, Status::failing, Layer::route, "private", "delete the prohibit route"},
    {"route: no route", route_none, healthy, Status::failing, Layer::route, "private", "ip route add 10.124.0.5/32"},
    {"link: output link admin down", link_admin_down, healthy, Status::failing, Layer::link, "private", "ip link set dev vpc0 up"},
    {"link: no carrier", link_no_carrier, healthy, Status::failing, Layer::link, "private", "vpc0 has no carrier"},
    {"link: subnet's link down, route detours", link_down_detour, healthy, Status::failing, Layer::link, "private", "ip link set dev vpc0 up"},
    {"neighbor: stale PERMANENT entry (+ no echo, filtered)", neigh_stale, healthy, Status::failing, Layer::neighbor, "private",
     "ip neigh replace 10.124.0.5 lladdr 02:00:00:00:00:bb dev vpc0"},
    {"neighbor: stale gateway entry", neigh_stale_gateway, healthy, Status::failing, Layer::neighbor, "private",
     "ip neigh replace 10.124.0.1 lladdr 02:00:00:00:00:bb dev vpc0"},
    {"neighbor: two MACs answer", neigh_conflict, healthy, Status::failing, Layer::neighbor, "private", "arping -I vpc0 10.124.0.5"},
    {"neighbor: silent ARP, nothing answers", arp_silent_dead, healthy, Status::failing, Layer::neighbor, "private",
     "check that 10.124.0.5 is up and on the same segment as vpc0"},
    {"neighbor: silent ARP, TCP open", arp_silent_tcp_open, healthy, Status::ok, Layer::none, "none", "works (5432 open"},
    {"neighbor: ARP not run, PERMANENT entry, filtered", arp_not_run_permanent, healthy, Status::unknown, Layer::unknown, "private",
     "the neighbor layer could not be tested"},
    {"neighbor: ARP not run, FAILED entry", arp_not_run_failed, healthy, Status::failing, Layer::neighbor, "private",
     "The kernel could not resolve 10.124.0.5"},
    {"neighbor: ARP not run, TCP open", arp_not_run_tcp_open, healthy, Status::ok, Layer::none, "none", "works (5432 open"},
    {"network: host unreachable from a router", router_unreachable, healthy, Status::failing, Layer::network, "private",
     "10.124.0.1 refuses to forward to 10.124.0.5 (host unreachable)"},
    {"network: echo blocked, TCP open", echo_blocked_tcp_open, healthy, Status::ok, Layer::none, "none", "works (5432 open"},
    {"network: echo blocked, TCP filtered (ARP answers)", echo_blocked_tcp_filtered, healthy, Status::failing, Layer::network, "private",
     "10.124.0.5 answers ARP, so it is up on the segment, but neither ICMP echo nor TCP"},
    {"transport: closed", tcp_closed, healthy, Status::failing, Layer::transport, "private", "make it listen on 10.124.0.5 port 5432"},
    {"transport: admin-prohibited (3/13)", tcp_admin_rejected, healthy, Status::failing, Layer::transport, "private",
     "a firewall at 10.124.0.5 rejects TCP port 5432"},
    {"transport: filtered", tcp_filtered, healthy, Status::failing, Layer::transport, "private", "drops TCP port 5432"},
    {"transport: no port, echo answers", no_port, healthy, Status::ok, Layer::none, "none", "private path to db.vpc.internal (10.124.0.5) works (echo"},
    {"mtu: black hole above 1400", mtu_black_hole, healthy, Status::failing, Layer::mtu, "private", "ip link set dev vpc0 mtu 1400"},
    {"mtu: frag-needed answers the big sizes", mtu_frag_needed, healthy, Status::ok, Layer::none, "none", "works"},
    {"both: private fails, public ok", tcp_filtered, healthy, Status::failing, Layer::transport, "private",
     "The public path to 198.51.100.10:5432 works"},
    {"both: private ok, public fails", healthy, tcp_filtered, Status::degraded, Layer::transport, "public",
     "The private path to db.vpc.internal (10.124.0.5:5432) works"},
    {"both: public path stale gateway entry", healthy, neigh_stale, Status::degraded, Layer::neighbor, "public",
     "ip neigh replace 192.0.2.1 lladdr 02:00:00:00:00:bb dev pub0"},
    {"both: both fail (private layer named)", tcp_filtered, route_blackhole, Status::failing, Layer::transport, "both",
     "The public path to 198.51.100.10:5432 fails at the route layer"},
    {"both: private unknown, public ok", arp_not_run_permanent, healthy, Status::unknown, Layer::unknown, "private", "could be the cause"},
    {"loss: every other echo, every third SYN", lossy, healthy, Status::degraded, Layer::network, "private",
     "works but is degraded at the network layer: 10.124.0.5 answered 2 of 5 echo requests: intermittent loss"},
    {"loss: the fix finds where", lossy, healthy, Status::degraded, Layer::network, "private", "mtr -n --report -c 100 --tcp -P 5432"},
    {"loss: SYNs only", syn_loss, healthy, Status::degraded, Layer::transport, "private",
     "3 of 5 SYNs to 10.124.0.5:5432 found the port open, 2 got no answer: intermittent"},
    {"loss: on the public path", healthy, lossy, Status::degraded, Layer::network, "public",
     "The private path to db.vpc.internal (10.124.0.5:5432) works (5432 open 0.40 ms). The public path to 198.51.100.10:5432 works but is degraded"},
    {"loss: on both, the private path named", lossy, lossy, Status::degraded, Layer::network, "both", "intermittent loss"},
    {"loss: a big DF size lost too is loss, not MTU", lossy_big_size_lost, healthy, Status::degraded, Layer::network, "private",
     "intermittent loss"},
    {"loss: echoes lucky, SYNs lost: a lost DF size is still loss", lossy_syns_lucky_echoes, healthy, Status::degraded, Layer::transport,
     "private", "intermittent"},
    {"loss: plain echoes lucky, two DF echoes lost below a size that passed", [](PathResult& p) {
       p.mtu_probes[2].answered = p.mtu_probes[3].answered = false; }, healthy, Status::degraded, Layer::network, "private",
     "and 2 of 4 DF echo requests no larger than a size that passed were lost"},
    {"loss: one DF echo lost below a size that passed is not enough", [](PathResult& p) { p.mtu_probes[2].answered = false; },
     healthy, Status::ok, Layer::none, "none", "works"},
    {"heavy loss: 1 of 5 echoes, no SYN answered: loss may explain the SYNs", [](PathResult& p) {
       for (std::size_t i = 1; i < p.echoes.size(); ++i) lose_echo(p.echoes[i]);
       for (auto& t : p.syns) lose_syn(t); }, healthy, Status::degraded, Layer::network, "private", "answered 1 of 5 echo requests"},
    {"heavy loss: no echo, 1 of 5 SYNs: loss, not ICMP blocked", [](PathResult& p) {
       for (auto& e : p.echoes) lose_echo(e);
       for (std::size_t i = 1; i < p.syns.size(); ++i) lose_syn(p.syns[i]); }, healthy, Status::degraded, Layer::network, "private",
     "heavy loss alone may explain it"},
    {"light loss does not explain a silent port: filtered", [](PathResult& p) {
       lose_echo(p.echoes[0]);
       for (auto& t : p.syns) lose_syn(t); }, healthy, Status::failing, Layer::transport, "private", "drops TCP port 5432"},
    {"loss + a black hole seen through it: the loss is the verdict, the black hole a likely warning", [](PathResult& p) {
       lose_echo(p.echoes[0]);
       p.mtu_probes.clear();
       for (std::uint32_t size : {1500u, 1492u, 1480u, 1460u, 1450u, 1420u, 1400u, 1380u, 1280u, 1024u, 576u})
         p.mtu_probes.push_back({size, size <= 1400, std::nullopt});
     }, healthy, Status::degraded, Layer::network, "private", "answered 4 of 5 echo requests"},
    {"local: SYNs refused by this host", syn_refused_here, healthy, Status::failing, Layer::transport, "private",
     "find the local rule that refuses TCP port 5432 to 10.124.0.5"},
    {"local: echoes refused by this host, TCP works", echo_refused_here, healthy, Status::ok, Layer::none, "none", "works (5432 open"},
    {"local: everything refused by this host", all_refused_here, healthy, Status::failing, Layer::network, "private",
     "refuses traffic to 10.124.0.5"},
    {"input: answers arrived and were dropped here", replies_dropped_here, healthy, Status::failing, Layer::network, "private",
     "this host dropped them after they arrived: a local INPUT rule"},
    {"input: the fix for answers dropped here", replies_dropped_here, healthy, Status::failing, Layer::network, "private",
     "find the INPUT rule (nft -a list ruleset | grep -n 10.124.0.5"},
    {"input: answers came back another way, rp_filter", replies_come_back_elsewhere, healthy, Status::failing, Layer::network, "private",
     "sysctl -w net.ipv4.conf.pub0.rp_filter=2"},
    {"private name resolves to a public address", resolves_public, healthy, Status::degraded, Layer::dns, "private",
     "resolves to 198.51.100.10, a public address: the private path goes over the internet"},
    {"private target typed as a public address", [](PathResult& p) { resolves_public(p); numeric(p); p.input = "198.51.100.10"; },
     healthy, Status::degraded, Layer::dns, "private", "198.51.100.10 is a public address: give --private the service's private"},
    {"private name resolves to public space on a route of its own", resolves_public_own_route, kNoPublic, Status::ok, Layer::none, "none",
     "works"},
    {"private address by the default route", via_default, healthy, Status::degraded, Layer::route, "private",
     "sends it by the default route"},
    {"private address out of the public side", via_public_side, healthy, Status::degraded, Layer::route, "private",
     "from the public address 192.0.2.10: by the public side, not through the VPC"},
    {"one-interface VM: a private address by the default route from a private source is fine", one_nic_vm, healthy, Status::ok,
     Layer::none, "none", "works (5432 open"},
    {"private address by the default route, a dead end", via_default_dead_end, healthy, Status::failing, Layer::route, "private",
     "because it goes the wrong way at the route layer"},
    {"public name resolves to a private address", healthy, public_is_private, Status::ok, Layer::none, "none", "works"},
    {"mtu not tested: OK as far as tested", mtu_untested, healthy, Status::ok, Layer::none, "none",
     "works as far as tested (5432 open 0.40 ms); the mtu layer could not be tested"},
    {"lowest wins: blackhole route + filtered port", blackhole_and_filtered, healthy, Status::failing, Layer::route, "private",
     "fails at the route layer"},
    {"lowest wins: stale neighbor + no echo + filtered", neigh_stale, kNoPublic, Status::failing, Layer::neighbor, "private",
     "fails at the neighbor layer"},
    {"lowest wins: link down + stale neighbor", [](PathResult& p) { stale_entry(p); p.link->flags = 0; }, kNoPublic, Status::failing,
     Layer::link, "private", "ip link set dev vpc0 up"},
};

}  // namespace

TEST_CASE("verdict table: one mutation per row") {
  for (const auto& c : kCases) {
    SUBCASE(c.name) { check_case(c); }
  }
}

// ---- direct evaluate_path cells -----------------------------------------------------------------

namespace {
struct Row {
  const char* name;
  Mutation mutate;
  Layer layer;
  Check check;
  const char* summary;
};

const Row kRows[] = {
    {"healthy dns", healthy, Layer::dns, Check::pass, "10.124.0.5 in 1.2 ms"},
    {"numeric", numeric, Layer::dns, Check::skipped, "numeric address"},
    {"healthy route", healthy, Layer::route, Check::pass, "on-link dev vpc0"},
    {"blackhole", route_blackhole, Layer::route, Check::fail, "blackhole route"},
    {"no route", route_none, Layer::route, Check::fail, "no route"},
    {"detour route", link_down_detour, Layer::route, Check::warn, "via 10.0.0.1 dev eth0 (detour)"},
    {"detour link", link_down_detour, Layer::link, Check::fail, "vpc0 DOWN"},
    {"admin down", link_admin_down, Layer::link, Check::fail, "vpc0 DOWN"},
    {"no carrier", link_no_carrier, Layer::link, Check::fail, "vpc0 NO-CARRIER"},
    {"healthy link", healthy, Layer::link, Check::pass, "vpc0 up, mtu 1500"},
    {"healthy neighbor", healthy, Layer::neighbor, Check::pass, "10.124.0.5 at 02:00:00:00:00:05"},
    {"stale", neigh_stale, Layer::neighbor, Check::fail, "STALE entry"},
    {"conflict", neigh_conflict, Layer::neighbor, Check::fail, "IP conflict"},
    {"silent, dead", arp_silent_dead, Layer::neighbor, Check::fail, "no ARP reply"},
    {"silent, TCP open", arp_silent_tcp_open, Layer::neighbor, Check::warn, "no ARP reply"},
    {"ARP not run, PERMANENT", arp_not_run_permanent, Layer::neighbor, Check::not_tested, "not ARP-probed"},
    {"ARP not run, FAILED", arp_not_run_failed, Layer::neighbor, Check::fail, "10.124.0.5 FAILED"},
    {"ARP not run, TCP open", arp_not_run_tcp_open, Layer::neighbor, Check::pass, "(not ARP-probed)"},
    {"router error", router_unreachable, Layer::network, Check::fail, "host unreachable from 10.124.0.1"},
    {"echo blocked, TCP open", echo_blocked_tcp_open, Layer::network, Check::warn, "echo blocked"},
    {"echo blocked, filtered", echo_blocked_tcp_filtered, Layer::network, Check::fail, "no echo reply"},
    {"healthy network", healthy, Layer::network, Check::pass, "echo 0.40 ms"},
    {"closed", tcp_closed, Layer::transport, Check::fail, "5432 closed (RST)"},
    {"rejected", tcp_admin_rejected, Layer::transport, Check::fail, "5432 rejected"},
    {"filtered", tcp_filtered, Layer::transport, Check::fail, "5432 no answer"},
    {"no port", no_port, Layer::transport, Check::skipped, "no port given"},
    {"all DF sizes answered", healthy, Layer::mtu, Check::pass, "1500 bytes pass"},
    {"black hole", mtu_black_hole, Layer::mtu, Check::fail, "black hole above 1400"},
    {"frag-needed", mtu_frag_needed, Layer::mtu, Check::pass, "path MTU 1400"},
    {"no echo, no MTU question", echo_blocked_tcp_open, Layer::mtu, Check::skipped, "needs echo replies"},
};
}  // namespace

TEST_CASE("evaluate_path: table cells") {
  for (const auto& r : kRows) {
    SUBCASE(r.name) {
      auto p = healthy_private();
      r.mutate(p);
      auto rows = diag::evaluate_path(p);
      REQUIRE(rows.size() == std::size(model::kLayers));
      const auto& row = rows[static_cast<std::size_t>(r.layer) - 1];
      const auto summary = render::layer_words(p, row).summary;
      INFO(summary);
      CHECK(row.layer == r.layer);
      CHECK(model::check_name(row.check) == model::check_name(r.check));
      CHECK(contains(summary, r.summary));
    }
  }
}

TEST_CASE("evaluate_path: seven rows in kLayers order; healthy public path passes, its numeric dns is skipped") {
  const auto pub = healthy_public();
  auto rows = diag::evaluate_path(pub);
  REQUIRE(rows.size() == std::size(model::kLayers));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(i);
    CHECK(rows[i].layer == model::kLayers[i]);
    // dns: a numeric address; application: not asked
    CHECK(model::check_name(rows[i].check) == (i == 0 || model::kLayers[i] == Layer::application ? "skipped" : "pass"));
  }
  CHECK(render::layer_words(pub, rows[1]).summary == "via 192.0.2.1 dev pub0");
}

TEST_CASE("evaluate_path: a DNS failure skips every later row, whatever else the path holds") {
  auto p = healthy_private();  // everything else still says healthy (or broken): must not show
  p.dns_error = model::DnsFailure{model::DnsFailure::Kind::not_found, "Name or service not known"};
  set_tcp(p, TcpState::closed);
  auto rows = diag::evaluate_path(p);
  REQUIRE(rows.size() == std::size(model::kLayers));
  CHECK(rows[0].check == Check::fail);
  CHECK(render::layer_words(p, rows[0]).evidence ==
        std::vector<std::string>{"'db.vpc.internal' does not resolve to an address vpcprobe may probe: Name or service not known."});
  for (std::size_t i = 1; i < rows.size(); ++i) {
    CAPTURE(i);
    CHECK(rows[i].layer == model::kLayers[i]);
    CHECK(rows[i].check == Check::skipped);
    CHECK(render::layer_words(p, rows[i]).summary == "no address");
  }
}

TEST_CASE("verdict evidence names the router, the gateway and what was not tested") {
  auto has = [](const model::Diagnosis& d, const std::string& s) {
    for (const auto& e : render::verdict_evidence(d))
      if (contains(e, s)) return true;
    return false;
  };
  auto router = run(router_unreachable, healthy);
  CHECK(has(router, "private: 10.124.0.1 answered the echo to 10.124.0.5 with host unreachable (ICMP type 3 code 1)"));
  auto gw = run(neigh_stale_gateway, kNoPublic);
  CHECK(has(gw, "private: Gateway: The kernel sends 10.124.0.1 traffic to 02:00:00:00:00:aa"));
  auto blocked = run(echo_blocked_tcp_open, healthy);
  CHECK(has(blocked, "ICMP is filtered, which is not a fault"));
  auto unknown = run(arp_not_run_permanent, kNoPublic);
  CHECK(has(unknown, "private (not tested): ARP to 10.124.0.5 was not sent (needs CAP_NET_RAW)"));
  CHECK(has(unknown, "private: 10.124.0.5 did not answer ICMP echo (5 requests)."));
  auto pub_private = run(healthy, public_is_private);
  CHECK(has(pub_private, "db.public.example resolves to 10.124.0.5, which is a private address: this is not the public path."));
  auto lossy_mtu = run(lossy_big_size_lost, kNoPublic);
  CHECK(has(lossy_mtu, "private (warning): Every DF echo request above 1450 bytes went unanswered, but the path loses probes of "
                       "every kind, so chance could explain that many: loss is certain, a size limit is not (try `vpcprobe ping "
                       "--df -s 1472 -c 20 10.124.0.5`)."));
  auto lossy_mixed = run([](PathResult& p) { lossy(p); p.mtu_probes[0].answered = p.mtu_probes[2].answered = false; }, kNoPublic);
  CHECK(has(lossy_mixed, "private (warning): DF echo requests were lost at sizes of every kind"));
  CHECK(lossy_mtu.private_layers[6].check == Check::warn);
  auto hole_in_loss = run([](PathResult& p) {
    lose_echo(p.echoes[0]);
    p.mtu_probes.clear();
    for (std::uint32_t size : {1500u, 1492u, 1480u, 1460u, 1450u, 1420u, 1400u, 1380u, 1280u, 1024u, 576u})
      p.mtu_probes.push_back({size, size <= 1400, std::nullopt});
  }, kNoPublic);
  CHECK(hole_in_loss.private_layers[6].check == Check::warn);
  CHECK(has(hole_in_loss, "private (warning): Echo requests of 1400 bytes with DF set pass, 1420 bytes and more vanish without a "
                          "'fragmentation needed' error: most likely a path-MTU black hole, but the path also loses probes"));
  auto elsewhere = run(replies_come_back_elsewhere, healthy);
  CHECK(has(elsewhere, "They came back through pub0 although the probes left through vpc0: an asymmetric return path, which "
                       "reverse-path filtering refuses (rp_filter=1 on pub0)."));
  auto here = run(replies_dropped_here, healthy);
  CHECK_FALSE(has(here, "asymmetric"));
  // without a witness (no CAP_NET_RAW) silence may have been this host's own doing: say so
  auto silent = run([](PathResult& p) { tcp_filtered(p); p.witness_not_run = model::NotRun{model::Cause::no_privilege, "CAP_NET_RAW"}; },
                    kNoPublic);
  CHECK(has(silent, "cannot see whether it left this host"));
  auto cut_short = run(tcp_filtered, kNoPublic);  // no witness, but not for want of privilege
  CHECK_FALSE(has(cut_short, "CAP_NET_RAW"));
  // came back another way, but loose reverse-path filtering let it in: a local INPUT rule
  auto loose = run([](PathResult& p) { nothing_answers(p); p.witness = model::WireWitness{5, 5, 5, 5, 3, 4, "vpc0", "pub0", 2, false}; },
                   kNoPublic);
  CHECK(has(loose, "reverse-path filtering lets it in (rp_filter=2 on pub0), so a local INPUT rule dropped them"));
  CHECK(render::fix_text(loose).value_or("").find("find the INPUT rule") != std::string::npos);
  // not asked: strict mode is taken to refuse it
  auto strict = run([](PathResult& p) { nothing_answers(p); p.witness = model::WireWitness{5, 5, 5, 5, 3, 4, "vpc0", "pub0", 1, std::nullopt}; },
                    kNoPublic);
  CHECK(has(strict, "which reverse-path filtering refuses (rp_filter=1 on pub0)"));
  auto seen = run([](PathResult& p) { tcp_filtered(p); p.witness = model::WireWitness{5, 5, 5, 0, 3, 3, "vpc0", "vpc0", 0, false}; },
                  kNoPublic);
  CHECK(has(seen, "They left through vpc0; nothing came back on any interface"));
}

TEST_CASE("decide without a public path equals judge without one") {
  auto p = healthy_private();
  tcp_closed(p);
  auto layers = diag::evaluate_path(p);
  model::Diagnosis d;
  d.private_path = p;
  d.private_layers = layers;
  d.verdict = diag::decide(p, layers, nullptr, nullptr);
  CHECK(d.verdict.status == Status::failing);
  CHECK(d.verdict.layer == Layer::transport);
  CHECK(d.verdict.path == model::Path::private_);
  CHECK(render::verdict_summary(d) == render::verdict_summary(run(tcp_closed, kNoPublic)));
}

// ---- regressions: bugs the table found, fixed in the engine ---------------------------------------

TEST_CASE("regression: a TCP RST from the target proves the network layer even when echo is blocked") {
  check_case({"echo blocked, port closed", [](PathResult& p) { echo_timeout(p); tcp_closed(p); }, kNoPublic, Status::failing,
              Layer::transport, "private", "make it listen on 10.124.0.5 port 5432"});
}

TEST_CASE("regression: no ICMP socket, but the target's RST proves the network layer") {
  check_case({"echo not run, port closed",
              [](PathResult& p) {
                p.echoes.clear();
                p.mtu_probes.clear();
                p.echo_not_run = p.mtu_not_run = model::NotRun{model::Cause::no_socket, "no ICMP socket"};
                tcp_closed(p);
              },
              kNoPublic, Status::failing, Layer::transport, "private", "make it listen on 10.124.0.5 port 5432"});
}

TEST_CASE("regression: a certain private failure is not hidden by an inconclusive public path") {
  // The public path fails too (nothing answers), for a reason that could not be pinned down: the
  // verdict is about both paths, names the private path's known layer, and says the public one is
  // unexplained.
  check_case({"private blackhole, public unknown", route_blackhole, [](PathResult& p) { arp_not_run(p); nothing_answers(p); },
              Status::failing, Layer::route, "both", "delete the blackhole route"});
}

TEST_CASE("regression: DF size at or below the reported next-hop MTU vanishing is a black hole") {
  check_case({"frag-needed says 1450, 1450 vanishes",
              [](PathResult& p) {
                p.mtu_probes[0].answered = p.mtu_probes[1].answered = false;
                p.mtu_probes[0].error = icmp(3, 4, "10.124.0.1", "fragmentation needed (next-hop MTU 1450)", 1450);
              },
              kNoPublic, Status::failing, Layer::mtu, "private", "mtu 1400"});
}

TEST_CASE("regression: no DF size answered must not suggest `mtu 0`") {
  auto d = run([](PathResult& p) { for (auto& m : p.mtu_probes) m.answered = false; }, kNoPublic);
  const auto fix = render::fix_text(d);
  INFO(fix.value_or("(no fix)"));
  CHECK_FALSE(contains(fix.value_or(""), "mtu 0"));
}
