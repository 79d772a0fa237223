#include "server/responses.h"

#include "server/json_text.h"

namespace loupe::server {

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(to_json_text(body), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, Error error, const std::string& message) {
  const ErrorInfo& info = error_info(error);
  send_json(res, info.status, {{"error", {{"code", info.code}, {"message", message}}}});
}

}  // namespace loupe::server
