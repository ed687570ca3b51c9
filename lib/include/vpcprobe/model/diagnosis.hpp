#pragma once
// Everything `vpcprobe diagnose` learned about one path (private or public), layer by layer, and
// the verdict drawn from both paths. Plain data: probes fill it, diag/ judges it (typed: checks,
// findings, causes), render/ puts it into words.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/app.hpp"
#include "vpcprobe/model/arp.hpp"
#include "vpcprobe/model/endpoint.hpp"
#include "vpcprobe/model/netinfo.hpp"
#include "vpcprobe/model/probe.hpp"
#include "vpcprobe/model/reports.hpp"
#include "vpcprobe/model/status.hpp"

namespace vpcprobe::model {

// The application layer sits above transport; it comes after mtu in the order the verdict looks
// for the lowest failing layer, because a path that drops big packets breaks a TLS handshake (its
// ClientHello fills a segment): the MTU is then the cause, the application its symptom.
enum class Layer { dns = 1, route, link, neighbor, network, transport, mtu, application, none, unknown };
std::string layer_name(Layer l);
inline constexpr Layer kLayers[] = {Layer::dns, Layer::route, Layer::link, Layer::neighbor,
                                    Layer::network, Layer::transport, Layer::mtu, Layer::application};

// Which path: a path's role, or what a verdict is about.
enum class Path { private_ = 1, public_, both, none };
std::string path_name(Path p);  // "private", "public", "both", "none"

// How one layer's check came out.
enum class Check {
  pass = 1,     // tested, works
  fail,         // tested, broken
  warn,         // tested, odd but not breaking the path (e.g. ICMP echo blocked while TCP answers)
  skipped,      // does not apply (a numeric address has no DNS; no port given; no MTU question)
  not_tested,   // applies, but could not run (missing privilege, interrupted): never guessed
  degraded,     // tested, works, but not as it should: intermittent loss, a "private" path that is not
};
std::string check_name(Check c);

// Why a check (or a probe) did not run. The detail names what was missing: a capability, an
// interface, the system's error text.
enum class Cause {
  no_privilege = 1,   // detail: what would allow it, e.g. "CAP_NET_RAW"
  interrupted,        // the run was cut short (a signal, the deadline) before it finished
  not_applicable,     // the question does not arise (e.g. a local address has no next hop)
  below_failure,      // a lower layer failed, so there was nothing to probe (no address)
  send_error,         // the probe could not be sent; detail: the error
  lookup_failed,      // a kernel query failed; detail: its error
  no_socket,          // the socket could not be opened for another reason; detail: the error
  link_without_arp,   // the output interface does not do ARP; detail: its name
  no_source,          // no source address or MAC to send from; detail: the interface
};
struct NotRun {
  Cause cause = Cause::not_applicable;
  std::string detail;
  bool operator==(const NotRun&) const = default;
};
std::string cause_name(Cause c);
// Whether a check that did not run for this cause is "not tested" (it applied) or "skipped".
Check check_for(Cause c);

// What a layer's check found, one closed vocabulary across the layers.
enum class Finding {
  // any layer
  not_run = 1,            // see LayerResult::not_run
  no_address,             // the name did not resolve: nothing above DNS could run
  // dns
  dns_resolved, dns_numeric, dns_unresolved,
  // route
  route_ok, route_local, route_detour, route_none, route_none_link_down, route_drops,
  // link
  link_up, link_admin_down, link_no_carrier, link_subnet_down, link_other_down, link_none,
  // neighbor
  neigh_consistent, neigh_stale, neigh_conflict, neigh_silent, neigh_silent_target_answered,
  neigh_unresolved_entry, neigh_proven_by_answer, neigh_no_next_hop,
  // network
  echo_reply, echo_icmp_error, echo_blocked, echo_silent, echo_send_failed, echo_proven_by_tcp,
  echo_loss,              // some echoes answered, some lost: intermittent
  echo_local_drop,        // the echo could not leave: this host's firewall refused it (EPERM/EACCES)
  echo_dropped_here,      // the reply reached an interface of this host but not vpcprobe (INPUT rule, rp_filter)
  echo_silent_arp_ok,     // the target answers ARP but not echo, and not TCP either
  echo_lost_in_loss,      // no echo answered, but the SYNs lose so much that chance may explain it
  // transport
  tcp_open, tcp_closed, tcp_rejected, tcp_filtered, tcp_send_failed, tcp_no_port,
  tcp_loss,               // some SYNs answered, some not (or answered differently): intermittent
  tcp_local_drop,         // the SYN could not leave: this host's firewall refused it
  tcp_dropped_here,       // the SYN-ACK or RST reached an interface of this host but not vpcprobe
  tcp_lost_in_loss,       // no SYN answered, but the echoes lose so much that chance may explain it
  // mtu
  mtu_all_pass, mtu_pmtud_works, mtu_black_hole, mtu_irregular, mtu_needs_echo,
  mtu_loss,               // sizes lost at random, not above a threshold: loss, not an MTU limit
  // application (see AppResult): the service answered in its protocol; with an error of its own;
  // its TLS certificate does not verify; or it accepted and then: said nothing, stopped half-way,
  // reset, closed, spoke another protocol, failed the TLS handshake; or the connection failed
  app_not_asked, app_answered, app_error_reply, app_cert_unverified,
  app_intermittent,       // some connections answered, some failed fast (degraded)
  app_silent, app_incomplete, app_request_lost, app_reset, app_closed, app_other_protocol, app_handshake_failed, app_connect_failed,
  // the "private" path that is not private, the "public" one that is not public
  dns_public_address,     // --private resolves to (or is) a public address
  dns_private_address,    // --public resolves to (or is) a private address (a warning)
  route_via_default,      // a private address sent by the default route
  route_public_side,      // a private address sent out of the public path's interface
};

struct LayerResult {
  Layer layer = Layer::unknown;
  Check check = Check::not_tested;
  Finding finding = Finding::not_run;
  std::optional<NotRun> not_run;    // with Finding::not_run (and where a probe was not sent)
  std::optional<ArpVerdict> arp;    // the neighbor layer: what ARP said about the next hop's entry
};

// A series of probes summed up: what went out, what came back, and how fast.
struct SeriesSummary {
  int sent = 0;       // probes that left (send errors and interrupted ones are not counted)
  int answered = 0;   // answered by the target (echo reply; SYN-ACK, RST or a rejection)
  int errors = 0;     // echo: ICMP errors (answered, but not by the target)
  int lost = 0;       // nothing came back
  std::vector<double> rtts_ms;  // of the answers
  double loss_percent() const { return sent ? 100.0 * lost / sent : 0; }
  bool partial() const { return lost > 0 && lost < sent; }
};
struct RttSummary {
  double min_ms = 0, median_ms = 0, max_ms = 0;
};
std::optional<RttSummary> rtt_summary(std::vector<double> rtts_ms);
SeriesSummary summarize(const std::vector<EchoResult>& echoes);
SeriesSummary summarize(const std::vector<TcpResult>& syns);

// What an AF_PACKET witness saw of one path's probes on this host's interfaces: whether they left
// (outgoing on an interface) and whether answers arrived (incoming) — before netfilter and
// rp_filter had their say. Answers that arrived but never reached vpcprobe were dropped here.
struct WireWitness {
  int echo_out = 0, echo_in = 0;  // our echoes seen leaving, their replies seen arriving
  int tcp_out = 0, tcp_in = 0;    // our SYNs seen leaving, SYN-ACKs or RSTs for them seen arriving
  int out_ifindex = 0, in_ifindex = 0;
  std::string out_interface;      // where the probes left
  std::string in_interface;       // where the answers arrived (another one: an asymmetric return path)
  std::optional<int> rp_filter;   // effective (max of all and the device) on the arrival interface
  // The kernel's own reverse-path check of an answer that came back another way (`ip route get
  // SRC from TARGET iif IN`, against the same lookup on the way out): unset when not asked.
  std::optional<bool> reverse_path_refused;
  bool asymmetric() const { return !in_interface.empty() && !out_interface.empty() && in_interface != out_interface; }
  // Does reverse-path filtering drop what came back through in_interface? The kernel's answer when
  // it was asked, else what strict mode (1) would do.
  bool return_refused() const { return asymmetric() && reverse_path_refused.value_or(rp_filter == 1); }
};

struct MtuProbe {
  std::uint32_t size = 0;  // IP packet size (payload + IP and ICMP headers)
  bool answered = false;
  std::optional<IcmpErrorInfo> error;  // frag-needed says where and what MTU
  bool interrupted = false;  // cut short before its answer or its timeout: says nothing
};
// DF echoes that got nothing back (no reply, no "fragmentation needed") at a size no larger than
// one that passed: lost, whatever the path MTU. `of`: the DF echoes at such sizes.
struct DfLoss {
  int lost = 0, of = 0;
};
DfLoss df_loss_below(const std::vector<MtuProbe>& probes);


// Why a name did not resolve.
struct DnsFailure {
  enum class Kind { not_found = 1, timeout } kind = Kind::not_found;
  std::string detail;  // the resolver's own words (gai_strerror)
};

struct PathResult {
  Path role = Path::private_;
  Endpoint endpoint;  // as the user typed it, parsed
  std::string input;  // its host part, for the words
  std::optional<std::uint16_t> port;  // the endpoint's, or the default port

  // dns
  std::optional<TargetInfo> target;
  std::optional<DnsFailure> dns_error;
  // route
  std::optional<RouteInfo> route;
  std::optional<NotRun> route_not_run;
  std::optional<int> route_prefix;  // the prefix length of the route entry that matched (0: the default route)
  // link: the output interface, and interfaces that are down but hold the target's subnet
  std::optional<LinkInfo> link;
  std::optional<NotRun> link_not_run;
  std::vector<std::pair<LinkInfo, AddrInfo>> down_links_for_target;
  std::vector<std::pair<LinkInfo, AddrInfo>> other_down_links;  // down, with an address, not the target's subnet
  // neighbor: the next hop's entry before and after, and what ARP saw
  std::optional<wire::IpAddr> next_hop;
  std::optional<NeighEntry> neigh_before;
  std::optional<NeighEntry> neigh_after;
  std::optional<ArpProbeResult> arp;
  std::optional<NotRun> arp_not_run;  // why ARP was not sent (privilege, not Ethernet, ...)
  // network: a series of echoes
  std::vector<EchoResult> echoes;
  std::optional<ProbeMethod> echo_method;
  std::optional<NotRun> echo_not_run;
  // transport: a series of SYNs (or connects)
  std::vector<TcpResult> syns;
  std::optional<ProbeMethod> tcp_method;
  std::optional<NotRun> tcp_not_run;
  // what the wire showed of the probes above, when a witness could watch (CAP_NET_RAW)
  std::optional<WireWitness> witness;
  std::optional<NotRun> witness_not_run;  // why nothing watched the wire (no CAP_NET_RAW, ...)
  // mtu: DF echoes of several sizes sent at once
  std::vector<MtuProbe> mtu_probes;
  std::optional<NotRun> mtu_not_run;
  // application: a real connection once a SYN found the port open (none: not asked); a fast
  // failure is tried again (app_tries connections, app_answered of them answered)
  AppSpec app;
  std::optional<AppResult> app_result;  // the first failure, else the answer
  std::optional<AppResult> app_answer;  // with a failure: a connection that answered (intermittent)
  int app_tries = 0, app_answered = 0;
  std::optional<NotRun> app_not_run;
};

// One path judged on its own: the lowest failing layer, and what could not be tested below it.
struct PathJudgement {
  Status status = Status::unknown;          // ok: nothing failed and the service answered
  Layer layer = Layer::unknown;             // the failing (or degraded) layer, none (ok) or unknown
  std::optional<Layer> failed;              // the lowest failing layer, even when untested ones lie below
  std::optional<Layer> degraded;            // the lowest degraded layer (loss, a path that goes the wrong way)
  bool wrong_way_failed = false;            // the path goes the wrong way (layer) and fails further up (failed)
  std::vector<Layer> untested_below;        // not tested, and low enough to be the cause
};

// Which of the verdict rules decided.
enum class Conclusion {
  healthy = 1,            // both paths (or the only one) work
  private_inconclusive,   // the private path could not be shown to work or to fail: unknown
  public_unverified,      // the private path works; the public baseline could not be verified
  private_fails,          // an outage: the private path fails, the public one works (or was not given)
  public_fails,           // degraded: only the public path fails
  both_fail,              // both paths fail
  degraded,               // a path works, but not as it should (loss; not private): see Verdict::path
};

// What repairs the failing layer; render/ spells the command from the path's facts.
enum class FixKind {
  dns_check = 1,           // check the name and the resolver
  route_add,               // there is no route: add one
  route_delete,            // a blackhole/unreachable/prohibit route drops it: delete that route
  link_up,                 // the interface is administratively down
  link_carrier,            // the interface has no carrier: check its peer
  neigh_replace,           // a stale entry: replace it with the MAC that answers
  neigh_conflict,          // two MACs answer: find the host that should not hold the address
  neigh_unreachable,       // nobody answers ARP: check that the next hop is up on the segment
  router_refuses,          // a router answered with an ICMP error
  target_unreachable,      // nothing answered at all
  service_closed,          // RST: nothing listens
  firewall_rejects,        // an ICMP rejection of the SYN
  silent_drop,             // the SYN vanished
  mtu_lower,               // a black hole above `size`: lower the interface MTU
  mtu_let_icmp_through,    // nothing passes with DF: let frag-needed through and measure
  find_loss,               // intermittent loss: find where (mtr, interface counters)
  local_firewall,          // this host refused to send: a local netfilter rule
  local_input_drop,        // answers arrived and were dropped here: an INPUT rule, or rp_filter
  asymmetric_return,       // answers came back another way and rp_filter dropped them
  target_silent,           // the target answers ARP but nothing above: its firewall, its route back
  private_name,            // the private name resolves to a public address
  route_through_vpc,       // a private address goes by the default route or the public side
  app_silent,              // the service accepts connections and does not answer (hung, overloaded, no backend)
  data_dropped,            // the handshake passes, the data after it does not: a filter on length or payload, the MTU
  app_reset,               // the service (or a proxy in front of it) resets connections after accepting them
  app_closed,              // the service closes connections without a word (a proxy without a backend, a limit)
  app_wrong_service,       // another service answers on the port
  tls_handshake,           // the TLS handshake fails: OpenSSL's reason says why
  tls_certificate,         // the certificate does not verify (with --verify-cert)
  app_error,               // the service answers with an error of its own
  app_intermittent,        // some connections fail: one backend of several, a limit reached now and then
};
struct Fix {
  FixKind kind = FixKind::target_unreachable;
  Path path = Path::private_;          // whose facts the command uses
  std::string dev;                     // the interface it concerns
  std::optional<wire::IpAddr> addr;    // the next hop, router or target it concerns
  std::optional<wire::Mac> mac;        // neigh_replace: the MAC that answers
  std::uint32_t size = 0;              // mtu_lower: the largest size that passed
};

// The path's round trip: the median over open SYNs, else over echo replies.
struct PathRtt {
  const char* probe;  // "tcp" or "icmp"
  double ms;
};
std::optional<PathRtt> path_rtt(const PathResult& p);

struct Verdict {
  Status status = Status::unknown;
  Layer layer = Layer::unknown;
  Path path = Path::none;
  Conclusion conclusion = Conclusion::private_inconclusive;
  PathJudgement private_judgement;
  std::optional<PathJudgement> public_judgement;
  std::optional<Fix> fix;
  bool cut_short = false;  // interrupted or past the deadline before every probe finished
};

struct Diagnosis {
  PathResult private_path;
  std::optional<PathResult> public_path;
  std::vector<LayerResult> private_layers;
  std::vector<LayerResult> public_layers;
  Verdict verdict;
  double duration_ms = 0;
  double timeout_s = 0;
};

}  // namespace vpcprobe::model
