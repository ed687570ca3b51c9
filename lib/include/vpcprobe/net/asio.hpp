#pragma once
// The one header that includes Asio. <utility> must come first with Boost 1.74 at -std=c++23.
#include <utility>
#include <boost/asio.hpp>

namespace vpcprobe {
namespace asio = boost::asio;
}
