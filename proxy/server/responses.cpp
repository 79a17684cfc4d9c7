#include "server/responses.hpp"

#include <boost/json.hpp>

namespace uaudit::server {

StringResponse make_response(unsigned status, std::string_view content_type, std::string body,
                             unsigned version, bool keep_alive) {
    StringResponse response{static_cast<boost::beast::http::status>(status),
                            version >= 11 ? 11u : 10u};
    response.set(boost::beast::http::field::server, "uaudit");
    response.set(boost::beast::http::field::content_type, content_type);
    response.set(boost::beast::http::field::cache_control, "no-store");
    response.body() = std::move(body);
    response.prepare_payload();
    response.keep_alive(keep_alive);
    return response;
}

StringResponse json_error(unsigned status, std::string_view code, std::string_view message,
                          unsigned version, bool keep_alive) {
    boost::json::object body;
    body["error"] = code;
    body["message"] = message;
    return make_response(status, "application/json", boost::json::serialize(body) + "\n", version,
                         keep_alive);
}

}  // namespace uaudit::server
