// The API's error codes: one table for the HTTP status and the code string of each.
#pragma once

#include <string_view>

namespace loupe::server {

enum class Error {
  kMissingQuery,
  kQueryTooLong,
  kInvalidParameter,
  kInvalidQuery,
  kUnauthorized,
  kNotFound,
  kMethodNotAllowed,
  kPayloadTooLarge,
  kUriTooLong,
  kBadRequest,
  kHeaderTooLarge,
  kRangeNotSatisfiable,
  kRequestTimeout,
  kTooManyConnections,
  kInternal,
};

struct ErrorInfo {
  Error error;
  int status;
  std::string_view code;
};

inline constexpr ErrorInfo kErrors[] = {
    {Error::kMissingQuery, 400, "missing_query"},
    {Error::kQueryTooLong, 400, "query_too_long"},
    {Error::kInvalidParameter, 400, "invalid_parameter"},
    {Error::kInvalidQuery, 400, "invalid_query"},
    {Error::kUnauthorized, 401, "unauthorized"},
    {Error::kNotFound, 404, "not_found"},
    {Error::kMethodNotAllowed, 405, "method_not_allowed"},
    {Error::kPayloadTooLarge, 413, "payload_too_large"},
    {Error::kUriTooLong, 414, "uri_too_long"},
    {Error::kBadRequest, 400, "bad_request"},
    {Error::kHeaderTooLarge, 431, "header_too_large"},
    {Error::kRangeNotSatisfiable, 416, "range_not_satisfiable"},
    {Error::kRequestTimeout, 408, "request_timeout"},
    {Error::kTooManyConnections, 503, "too_many_connections"},
    {Error::kInternal, 500, "internal_error"},
};

constexpr const ErrorInfo& error_info(Error error) {
  return kErrors[static_cast<int>(error)];
}

}  // namespace loupe::server
