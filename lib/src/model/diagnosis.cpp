#include "vpcprobe/model/diagnosis.hpp"

namespace vpcprobe::model {

std::string layer_name(Layer l) {
  switch (l) {
    case Layer::dns: return "dns";
    case Layer::route: return "route";
    case Layer::link: return "link";
    case Layer::neighbor: return "neighbor";
    case Layer::network: return "network";
    case Layer::transport: return "transport";
    case Layer::mtu: return "mtu";
    case Layer::none: return "none";
    case Layer::unknown: return "unknown";
  }
  return "unknown";
}

std::string check_name(Check c) {
  switch (c) {
    case Check::pass: return "pass";
    case Check::fail: return "fail";
    case Check::warn: return "warn";
    case Check::skipped: return "skipped";
    case Check::not_tested: return "not_tested";
  }
  return "not_tested";
}

std::string path_name(Path p) {
  switch (p) {
    case Path::private_: return "private";
    case Path::public_: return "public";
    case Path::both: return "both";
    case Path::none: return "none";
  }
  return "none";
}

std::string cause_name(Cause c) {
  switch (c) {
    case Cause::no_privilege: return "no_privilege";
    case Cause::interrupted: return "interrupted";
    case Cause::not_applicable: return "not_applicable";
    case Cause::below_failure: return "below_failure";
    case Cause::send_error: return "send_error";
    case Cause::lookup_failed: return "lookup_failed";
    case Cause::no_socket: return "no_socket";
    case Cause::link_without_arp: return "link_without_arp";
    case Cause::no_source: return "no_source";
  }
  return "not_applicable";
}

Check check_for(Cause c) {
  switch (c) {
    // The check applies, and only this run could not make it: never guessed, said out loud.
    case Cause::no_privilege:
    case Cause::interrupted:
    case Cause::send_error:
    case Cause::lookup_failed:
    case Cause::no_socket: return Check::not_tested;
    // The question does not arise on this path.
    case Cause::not_applicable:
    case Cause::below_failure:
    case Cause::link_without_arp:
    case Cause::no_source: return Check::skipped;
  }
  return Check::not_tested;
}

}  // namespace vpcprobe::model
