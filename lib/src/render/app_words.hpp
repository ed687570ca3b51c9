#pragma once
// The application layer in words and in JSON. Private to render/.
#include <nlohmann/json.hpp>

#include "vpcprobe/model/diagnosis.hpp"
#include "vpcprobe/render/diagnose.hpp"

namespace vpcprobe::render::detail {

LayerWords application_words(const model::PathResult& p, const model::LayerResult& l);
nlohmann::json application_json(const model::PathResult& p);
// "PostgreSQL", "TLS", ... for what was asked.
std::string asked_name(model::AppProtocol p);
// The command that shows what the TLS endpoint of a path does (openssl s_client).
std::string s_client_command(const model::PathResult& p);

}  // namespace vpcprobe::render::detail
