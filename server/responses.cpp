#include "server/responses.h"

#include "server/json_text.h"

namespace loupe::server {

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  send_json_text(res, status, to_json_text(body));
}

void send_json_text(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(std::move(body), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, Error error, const std::string& message) {
  const ErrorInfo& info = error_info(error);
  send_json(res, info.status, {{"error", {{"code", info.code}, {"message", message}}}});
}

}  // namespace loupe::server
