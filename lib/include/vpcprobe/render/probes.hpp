#pragma once
// Text and JSON for `vpcprobe ping` and `vpcprobe tcp`. Line renderers exist so the command can
// print each result as it arrives; the summary renderers take the whole report.
#include <string>

#include "vpcprobe/model/reports.hpp"
#include "vpcprobe/render/renderer.hpp"

namespace vpcprobe::render {

std::string ping_header(const model::PingReport& r);
std::string ping_line(const model::PingReport& r, const model::EchoResult& e);
std::string ping_summary(const model::PingReport& r);
std::string ping_json(const model::PingReport& r);  // schema "vpcprobe.ping/1"

std::string tcp_header(const model::TcpReport& r);
std::string tcp_line(const model::TcpReport& r, const model::TcpResult& t);
std::string tcp_summary(const model::TcpReport& r);
std::string tcp_json(const model::TcpReport& r);    // schema "vpcprobe.tcp/1"

template <>
Result<RendererPtr<model::PingReport>> make_renderer<model::PingReport>(Format f, const Style& style);
template <>
Result<RendererPtr<model::TcpReport>> make_renderer<model::TcpReport>(Format f, const Style& style);

}  // namespace vpcprobe::render
