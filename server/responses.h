// JSON responses and the error envelope every API failure uses.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "server/errors.h"

namespace loupe::server {

void send_json(httplib::Response& res, int status, const nlohmann::json& body);
// `body` is JSON text already (see JsonWriter).
void send_json_text(httplib::Response& res, int status, std::string body);

// {"error": {"code": "...", "message": "..."}} with the status from the error table.
void send_error(httplib::Response& res, Error error, const std::string& message);

}  // namespace loupe::server
