#pragma once
// The one command runner. A command is a struct with
//
//   using Report = model::XReport;     struct Options {...};     struct Sockets {...};
//   static CLI::App* setup(CLI::App& parent, Options& o);
//   static Result<void> validate(const Options& o);            pure checks of what was typed
//   static render::Format format(const Options& o);
//   static std::string pcap_path(const Options& o);            "" without --pcap
//   static sys::KeepCaps keep(const Options& o);                capabilities kept past the drop
//   static Result<Sockets> open(const Options& o);             the privileged resources
//   static Result<model::Status> run(const Options& o, Sockets& s, Runtime<Report>& rt);
//
// and the runner does the rest, the same way for every command: signals are caught from the first
// moment, the privileged resources and the --pcap capture are opened, every other privilege is
// dropped, the command runs and hands its report to the renderer chosen once, and the exit code
// follows the monitoring convention (0 ok, 1 degraded, 2 failing, 3 unknown). Errors are one line
// on stderr (and, in formats that have one, a machine-readable error on stdout).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vpcprobe/model/result.hpp"
#include "vpcprobe/model/status.hpp"
#include "vpcprobe/net/asio.hpp"
#include "vpcprobe/net/netlink_client.hpp"
#include "vpcprobe/wire/identity.hpp"
#include "vpcprobe/render/context.hpp"
#include "vpcprobe/render/renderer.hpp"
#include "vpcprobe/sys/privileged.hpp"
#include "vpcprobe/wire/addr.hpp"

struct pcap;

namespace vpcprobe::app {

inline constexpr int kExitOk = 0, kExitDegraded = 1, kExitFailing = 2, kExitUnknown = 3;

// stdout for reports: written at once (so lines show up as results arrive); a reader that went
// away (`| head -1`) ends the writing, not the run, and not its exit code.
class Output {
 public:
  void print(std::string_view text);
  bool closed() const { return closed_; }

 private:
  bool closed_ = false;
};

// "vpcprobe: <message>" as one line on stderr.
void say(const std::string& message);
// The global --netns/--pid (given before the subcommand), set once by main().
const model::NamespaceTarget& namespace_target();
void set_namespace_target(model::NamespaceTarget t);
// The exit code of an error: 2 when the target cannot be tried at all, else 3.
int exit_code_of(const Error& e);

// What every command's run may use; owned by the runner.
class RuntimeCore {
 public:
  explicit RuntimeCore(std::string pcap_path);
  ~RuntimeCore();
  RuntimeCore(const RuntimeCore&) = delete;
  RuntimeCore& operator=(const RuntimeCore&) = delete;

  asio::io_context& io() { return io_; }
  // The rtnetlink client, opened on first use.
  Result<net::NetlinkClient*> netlink();
  const wire::Identity& identity() const { return identity_; }

  // --pcap: the capture is opened while privileged (open_capture), the file is written after the
  // drop; start_capture() filters it to this run's hosts, before the first probe.
  Result<void> open_capture();
  Result<void> start_capture(const std::vector<wire::IpAddr>& hosts);
  void finish_capture();

  // What SIGINT/SIGTERM do (by default: stop the io_context). A signal that arrived before the
  // command was ready is delivered when the io_context first runs.
  void on_interrupt(std::function<void()> cancel) { cancel_ = std::move(cancel); }
  bool interrupted() const { return interrupted_; }
  // Runs the io_context until stop() (or a signal's default); returns at once when stop() came first.
  void run();

  // --watch: round(done) now, then again `interval` after each round's done(), until `rounds`
  // rounds (0: no limit), a signal, a closed stdout or stop(). Runs the io_context until then.
  void repeat(std::chrono::milliseconds interval, long rounds, std::function<void(std::function<void()>)> round);
  void stop();

  // One line on stderr, for the operator (a change made, a limit that slowed the run).
  void notice(const std::string& line) { say(line); }
  // "verifying 120/500 entries" on stderr while a long run progresses, when stderr is a terminal.
  std::function<void(std::size_t, std::size_t)> progress_meter(const char* what, std::size_t at_least) const;
  Output& out() { return out_; }

 private:
  void arm_signals();

  asio::io_context io_;
  std::unique_ptr<asio::signal_set> signals_;
  std::function<void()> cancel_;
  bool interrupted_ = false;
  bool stopping_ = false;
  std::optional<net::NetlinkClient> netlink_;
  wire::Identity identity_;
  std::string pcap_path_;
  ::pcap* capture_ = nullptr;
  struct Evidence;
  std::unique_ptr<Evidence> evidence_;
  std::unique_ptr<asio::steady_timer> pause_;
  Output out_;
};

// The core plus the report type's renderer: what a command prints goes through here.
template <class Report>
class Runtime : public RuntimeCore {
 public:
  Runtime(std::string pcap_path, render::RendererPtr<Report> renderer, render::Format format)
      : RuntimeCore(std::move(pcap_path)), renderer_(std::move(renderer)), format_(format) {}
  void header(const Report& r) { print(renderer_->header(r)); }
  void progress(const Report& r, std::size_t index) { print(renderer_->progress(r, index)); }
  // The report (with --watch: once per round).
  void emit(const Report& r) {
    if (context_.entered()) return print(renderer_->report(r));  // the context goes into the whole text
    renderer_->report_to(r, [this](std::string_view piece) { out().print(piece); });
    printed_ = true;
  }
  const render::Renderer<Report>& renderer() const { return *renderer_; }
  // --netns/--pid: every output says where it was made (render/context.hpp).
  void set_context(model::RunContext c) { context_ = std::move(c); }
  const model::RunContext& context() const { return context_; }
  void print_error(const std::string& message) { print(renderer_->error(message)); }

 private:
  void print(const std::string& text) {
    if (text.empty()) return;
    out().print(context_.entered() ? render::add_context(text, context_, format_, !printed_) : text);
    printed_ = true;
  }
  render::RendererPtr<Report> renderer_;
  render::Format format_;
  model::RunContext context_;
  bool printed_ = false;
};

// A series of probes (ping's echoes, tcp's SYNs): each result goes into the report and to the
// renderer as it arrives, and into its slot; run() waits until all are done (a signal cancels the
// rest); in_order() gives the finished ones in the order they were sent.
template <class Report, class R>
class Series {
 public:
  Series(Runtime<Report>& rt, Report& report, std::vector<R>& shown, std::size_t count)
      : rt_(rt), report_(report), shown_(shown), slots_(count) {}
  std::function<void(std::size_t, R)> on_result() {
    return [this](std::size_t i, R r) {
      slots_.at(i) = r;
      shown_.push_back(r);
      rt_.progress(report_, shown_.size() - 1);
    };
  }
  template <class Schedule>
  void run(const std::shared_ptr<Schedule>& schedule) {
    rt_.on_interrupt([schedule] { schedule->cancel(); });
    rt_.run();
  }
  std::vector<R> in_order() const {
    std::vector<R> out;
    for (const auto& s : slots_)
      if (s) out.push_back(*s);
    return out;
  }

 private:
  Runtime<Report>& rt_;
  Report& report_;
  std::vector<R>& shown_;
  std::vector<std::optional<R>> slots_;
};

// Prints the error (and its machine-readable form, when the renderer has one) and returns its
// exit code.
template <class Report>
int report_error(const Error& e, const render::Renderer<Report>* renderer) {
  if (renderer) {
    Output out;
    out.print(renderer->error(e.message));
  }
  say(e.message);
  return exit_code_of(e);
}

template <class Cmd>
int run_command(const typename Cmd::Options& o) {
  using Report = typename Cmd::Report;
  render::Style style;
  style.color = Cmd::color(o);
  auto renderer = render::make_renderer<Report>(Cmd::format(o), style);
  if (!renderer) return report_error<Report>(renderer.error(), nullptr);
  // Signals are caught from here on, before anything slow or privileged happens.
  Runtime<Report> rt(Cmd::pcap_path(o), std::move(*renderer), Cmd::format(o));
  if (auto ok = Cmd::validate(o); !ok) return report_error(ok.error(), &rt.renderer());
  // --netns/--pid: into the target's network namespace before any socket is opened.
  auto context = sys::enter_namespace(namespace_target());
  if (!context) return report_error(context.error(), &rt.renderer());
  rt.set_context(std::move(*context));
  auto sockets = Cmd::open(o);
  if (!sockets) return report_error(sockets.error(), &rt.renderer());
  if (auto ok = rt.open_capture(); !ok) return report_error(ok.error(), &rt.renderer());
  if (auto ok = sys::drop_privileges(Cmd::keep(o)); !ok) return report_error(ok.error(), &rt.renderer());
  auto status = Cmd::run(o, *sockets, rt);
  rt.finish_capture();
  const int code = status ? model::exit_code(*status) : report_error(status.error(), &rt.renderer());
  sys::close_deferred();  // the report is out: packet sockets go to a helper to close
  return code;
}

}  // namespace vpcprobe::app
