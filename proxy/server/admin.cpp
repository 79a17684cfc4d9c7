// The admin listener (SPEC §10): /healthz, /metrics, and the live report as JSON and HTML.

#include "report/render.hpp"
#include "server/responses.hpp"
#include "server/state.hpp"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <sstream>

namespace uaudit::server {
namespace {

std::string render_metrics(const ServerState& state) {
    if (!state.tls) {
        return state.metrics.render(state.events.errors());
    }
    const auto certs = state.tls->certs->stats();
    return state.metrics.render(state.events.errors(), certs.hits, certs.misses);
}

namespace bh = beast::http;

StringResponse route(const bh::request<bh::string_body>& req, ServerState& state) {
    const unsigned version = req.version() >= 11 ? 11 : 10;
    const bool keep = req.keep_alive() && !state.stopping;
    std::string_view path = req.target();
    if (const auto scheme = path.find("://"); scheme != std::string_view::npos && path[0] != '/') {
        // Absolute-form, e.g. from a client that has the proxy configured for everything.
        const auto slash = path.find('/', scheme + 3);
        path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
    }
    path = path.substr(0, path.find('?'));
    if (req.method() != bh::verb::get && req.method() != bh::verb::head) {
        auto response = json_error(405, "method_not_allowed", "use GET", version, keep);
        response.set(bh::field::allow, "GET, HEAD");
        return response;
    }
    if (path == "/healthz") {
        if (!state.events.healthy()) {
            return make_response(503, "text/plain; charset=utf-8",
                                 "event log not writable: " + state.events.last_error() + "\n",
                                 version, keep);
        }
        if (state.stopping) {
            return make_response(503, "text/plain; charset=utf-8", "stopping\n", version, keep);
        }
        return make_response(200, "text/plain; charset=utf-8", "ok\n", version, keep);
    }
    if (path == "/metrics") {
        return make_response(200, "text/plain; version=0.0.4; charset=utf-8", render_metrics(state),
                             version, keep);
    }
    if (path == "/report" || path == "/report.html") {
        // Summarizing takes the report's lock briefly; rendering happens outside it.
        const auto summary = state.report.summarize();
        std::ostringstream body;
        if (path == "/report") {
            report::render_json(summary, body);
            return make_response(200, "application/json", std::move(body).str(), version, keep);
        }
        report::render_html(summary, body);
        return make_response(200, "text/html; charset=utf-8", std::move(body).str(), version, keep);
    }
    return json_error(404, "not_found", "try /healthz, /metrics, /report or /report.html", version,
                      keep);
}

}  // namespace

asio::awaitable<void> serve_admin(tcp::socket socket, ServerState& state) {
    error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    TcpStream stream(std::move(socket));
    if (ec || !state.client_allowed(peer.address())) {
        auto response = json_error(403, "client_not_allowed",
                                   "this client address is not in access.allow_clients", 11, false);
        stream.expires_after(std::chrono::seconds(5));
        co_await bh::async_write(stream, response, use_nothrow);
        co_return;
    }
    beast::flat_buffer buffer;
    for (;;) {
        bh::request_parser<bh::string_body> parser;
        parser.header_limit(16 * 1024);
        parser.body_limit(64 * 1024);
        stream.expires_after(state.config.limits.idle_timeout);
        auto [rec, n] = co_await bh::async_read(stream, buffer, parser, use_nothrow);
        if (rec) {
            co_return;
        }
        auto response = route(parser.get(), state);
        if (parser.get().method() == bh::verb::head) {
            response.body().clear();  // Content-Length stays that of the GET answer
        }
        stream.expires_after(state.config.limits.idle_timeout);
        bh::serializer<false, bh::string_body> serializer{response};
        if (parser.get().method() == bh::verb::head) {
            auto [hec, hn] = co_await bh::async_write_header(stream, serializer, use_nothrow);
            if (hec || !response.keep_alive()) {
                co_return;
            }
            continue;
        }
        auto [wec, wn] = co_await bh::async_write(stream, serializer, use_nothrow);
        if (wec || !response.keep_alive()) {
            co_return;
        }
    }
}

}  // namespace uaudit::server
