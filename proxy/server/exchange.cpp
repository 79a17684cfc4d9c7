// One plain (absolute-form) request: scope and policy before any upstream is contacted, then
// the forward with streamed bodies, then exactly one record (SPEC §2 of the style guide).

#include "audit/endpoint.hpp"
#include "http/framing.hpp"
#include "http/hop_by_hop.hpp"
#include "server/connection.hpp"
#include "tls/upstream_failure.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>

#include <type_traits>

namespace uaudit::server {
namespace {

namespace bh = beast::http;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Upstream failures as SPEC §8 error words and the status uaudit answers with.
struct Failure {
    audit::ExchangeError error;
    unsigned status;
    std::string message;  // for the JSON body; empty = failure_message()
};

Failure from_connect(http::UpstreamError error) {
    switch (error) {
        case http::UpstreamError::dns_failed:
            return {audit::ExchangeError::dns_failed, 502, {}};
        case http::UpstreamError::connect_timeout:
            return {audit::ExchangeError::connect_timeout, 504, {}};
        default:
            return {audit::ExchangeError::connect_failed, 502, {}};
    }
}

std::string failure_message(audit::ExchangeError error, const std::string& authority) {
    switch (error) {
        case audit::ExchangeError::dns_failed:
            return "cannot resolve upstream " + authority;
        case audit::ExchangeError::connect_timeout:
            return "timed out connecting to upstream " + authority;
        case audit::ExchangeError::connect_failed:
            return "cannot connect to upstream " + authority;
        case audit::ExchangeError::upstream_timeout:
            return "upstream " + authority + " did not answer within limits.request_timeout";
        case audit::ExchangeError::upstream_malformed:
            return "upstream " + authority + " sent a malformed response";
        case audit::ExchangeError::body_too_large:
            return "the request body exceeds limits.max_body_bytes";
        default:
            return "upstream " + authority + " closed the connection";
    }
}

bool expects_continue(const bh::request_header<>& head) {
    const auto it = head.find(bh::field::expect);
    return it != head.end() && beast::iequals(it->value(), "100-continue");
}

// The exchange's outcome while it runs, turned into a record (in scope) or counts at the end.
struct Outcome {
    std::optional<unsigned> status;
    std::uint64_t bytes_in = 0;
    std::uint64_t bytes_out = 0;
    std::optional<double> upstream_ms;
    std::optional<audit::ExchangeError> error;
    bool keep_alive = false;
    bool in_scope = false;
};

// A client that got its answer may exit at once, and a closed socket has no owner left to
// find: so the client_process look-up (started at accept, running meanwhile) must be over
// before an in-scope answer is written.
asio::awaitable<void> settle_client_process(Connection& conn, const Outcome& out) {
    if (out.in_scope) {
        co_await conn.client_process();
    }
}

template <class Client>
asio::awaitable<void> answer_locally(Connection& conn, Client& client, Outcome& out,
                                     StringResponse& response) {
    co_await settle_client_process(conn, out);
    out.status = response.result_int();
    out.bytes_out += co_await write_local(conn, client, response);
}

// A new upstream connection: TCP, then for TLS upstreams the verified handshake (SPEC §7).
template <class Upstream>
struct Opened {
    std::optional<Upstream> stream;
    std::optional<Failure> failure;
};

asio::awaitable<Opened<TcpStream>> open_upstream(ServerState& state, const http::Target& target,
                                                 std::type_identity<TcpStream>) {
    Opened<TcpStream> opened;
    auto connected =
        co_await state.connector.connect(target.host, target.port, http::Purpose::request);
    if (!connected.stream) {
        opened.failure = from_connect(connected.error);
        co_return opened;
    }
    opened.stream.emplace(std::move(*connected.stream));
    co_return opened;
}

asio::awaitable<Opened<http::TlsStream>> open_upstream(ServerState& state,
                                                       const http::Target& target,
                                                       std::type_identity<http::TlsStream>) {
    Opened<http::TlsStream> opened;
    auto connected =
        co_await state.connector.connect(target.host, target.port, http::Purpose::tunnel);
    if (!connected.stream) {
        opened.failure = from_connect(connected.error);
        opened.failure->message = connected.detail;
        co_return opened;
    }
    http::TlsStream stream(std::move(*connected.stream), *state.tls->upstream);
    if (!state.tls->upstream_tls->prepare(stream.native_handle(), target.host, target.port)) {
        opened.failure = Failure{audit::ExchangeError::tls_handshake_failed, 502,
                                 "cannot set up TLS for upstream " + target.authority()};
        co_return opened;
    }
    beast::get_lowest_layer(stream).expires_after(state.config.limits.connect_timeout);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_nothrow);
    beast::get_lowest_layer(stream).expires_never();
    if (ec) {
        const auto failure =
            tls::classify_upstream_failure(stream.native_handle(), ec, target.host, target.port);
        opened.failure =
            Failure{failure.is_verify_failure() ? audit::ExchangeError::tls_verify_failed
                                                : audit::ExchangeError::tls_handshake_failed,
                    502, failure.message};
        co_return opened;
    }
    opened.stream.emplace(std::move(stream));
    co_return opened;
}

http::ConnectionPool& pool_of(ServerState& state, std::type_identity<TcpStream>) {
    return state.pool;
}

http::TlsConnectionPool& pool_of(ServerState& state, std::type_identity<http::TlsStream>) {
    return state.tls_pool;
}

}  // namespace

template <class Client, class Upstream>
asio::awaitable<bool> forward_exchange(Connection& conn, Client& client, Exchange& exchange,
                                       const http::Target& target, audit::Via via) {
    constexpr std::type_identity<Upstream> upstream_kind;
    ServerState& state = conn.state;
    const auto& limits = state.config.limits;
    auto& req = exchange.parser.get();
    Outcome out;
    out.bytes_in = exchange.head.bytes;

    // 1. Judge the request as received.
    std::vector<std::string> ua_values;
    for (auto it = req.find(bh::field::user_agent);
         it != req.end() && it->name() == bh::field::user_agent; ++it) {
        ua_values.emplace_back(it->value());
    }
    std::vector<std::string_view> ua_views(ua_values.begin(), ua_values.end());
    const auto decision = state.policy.evaluate({target.host, target.path, ua_views});

    audit::RequestRecord record;
    out.in_scope = decision.in_scope;
    if (decision.in_scope) {
        record.ts = exchange.ts;
        record.id = audit::new_event_id();
        record.instance = state.instance;
        record.client = conn.client;
        record.via = via;
        record.method = std::string(req.method_string());
        record.scheme = target.scheme;
        record.host = target.host;
        record.port = target.port;
        record.path = target.path;
        auto info = audit::classify_endpoint(record.method, target.origin_form());
        record.endpoint = std::move(info.endpoint);
        record.operation = std::move(info.operation);
        if (target.query) {
            record.query_keys = http::query_keys(*target.query);
        }
        if (!ua_values.empty()) {
            record.ua = ua_values.front();
        }
        record.ua_fields = ua_values.size();
        if (ua_values.size() > 1) {
            record.ua_values = ua_values;
        }
        record.verdict = decision.verdict->compliant ? audit::RequestVerdict::compliant
                                                     : audit::RequestVerdict::noncompliant;
        record.findings = decision.verdict->findings;
        record.action = decision.action;
    }
    // A coroutine: the record waits for the client_process look-up (after the client has
    // its answer). Awaited where it is called, so the references it captures stay valid.
    const auto finish = [&]() -> asio::awaitable<void> {
        const double duration = ms_since(exchange.started);
        std::optional<bool> compliant;
        if (decision.in_scope) {
            compliant = decision.verdict->compliant;
            for (const auto& finding : decision.verdict->findings) {
                state.metrics.count_finding(finding.code);
            }
        }
        state.metrics.count_request(decision.in_scope, compliant, decision.action,
                                    duration / 1000.0);
        if (out.error && *out.error != audit::ExchangeError::client_aborted &&
            *out.error != audit::ExchangeError::body_too_large) {
            state.metrics.count_upstream_error(audit::to_string(*out.error));
        }
        if (decision.in_scope) {
            record.status = out.status;
            record.bytes_in = out.bytes_in;
            record.bytes_out = out.bytes_out;
            record.duration_ms = duration;
            record.upstream_ms = out.upstream_ms;
            record.error = out.error;
            record.client_process = co_await conn.client_process();
            state.record(record);
        } else if (state.config.events.out_of_scope == config::OutOfScopeEvents::each) {
            audit::OutOfScopeRecord oos;
            oos.ts = exchange.ts;
            oos.id = audit::new_event_id();
            oos.instance = state.instance;
            oos.client = conn.client;
            oos.via = via;
            oos.method = std::string(req.method_string());
            oos.host = target.host;
            oos.port = target.port;
            oos.status = out.status;
            oos.bytes_in = out.bytes_in;
            oos.bytes_out = out.bytes_out;
            oos.duration_ms = duration;
            state.record(oos);
        } else {
            state.out_of_scope.add_request(target.host, target.port, out.bytes_in, out.bytes_out);
        }
    };

    // 2. Block: answered here, the upstream is never touched.
    if (decision.action == audit::Action::block) {
        bool keep = exchange.keep_alive && !state.stopping;
        if (!exchange.parser.is_done()) {
            // Read the body away only when the client is already sending it.
            keep =
                keep && !expects_continue(req) &&
                co_await http::discard_body(client, conn.buffer, exchange.parser, 1024 * 1024,
                                            limits.idle_timeout, out.bytes_in, conn.scratch.span());
        }
        auto response = make_response(decision.block_status, "application/json",
                                      decision.block_body + "\n", exchange.version, keep);
        co_await answer_locally(conn, client, out, response);
        co_await finish();
        co_return keep;
    }

    // 3. Prepare the head for the upstream: origin-form, our own HTTP version, Host from the
    // target (RFC 9112 §3.2.2), hop-by-hop fields gone, the User-Agent rewritten if decided.
    const bool continue_expected = expects_continue(req) && exchange.version >= 11;
    if (decision.rewritten_user_agent) {
        req.erase(bh::field::user_agent);
        req.set(bh::field::user_agent, *decision.rewritten_user_agent);
        record.ua_sent = *decision.rewritten_user_agent;
    } else if (!ua_values.empty()) {
        record.ua_sent = ua_values.front();
    }
    http::remove_hop_by_hop(req);
    http::normalize_content_length(req);
    if (std::is_same_v<Upstream, TcpStream> && state.connector.chain()) {
        // Through upstream_proxy: absolute-form, naming the host `resolve` says (SPEC §4).
        const auto asked = state.connector.route(target.host, target.port);
        req.target("http://" + http::format_authority(asked.host, asked.port) +
                   target.origin_form());
        if (!state.connector.chain()->authorization.empty()) {
            req.set(bh::field::proxy_authorization, state.connector.chain()->authorization);
        }
    } else {
        req.target(target.origin_form());
    }
    req.version(11);
    const std::uint16_t default_port = target.scheme == "https" ? 443 : 80;
    req.set(bh::field::host, target.port == default_port
                                 ? (target.host_is_ipv6() ? "[" + target.host + "]" : target.host)
                                 : target.authority());
    if (limits.max_body_bytes > 0) {
        exchange.parser.body_limit(limits.max_body_bytes);
    }
    const bool head_request = req.method() == bh::verb::head;
    const bool request_has_body = !exchange.parser.is_done();

    // 4. Upstream: a pooled connection or a new one; one retry when a reused connection turns
    // out closed before anything of the request body was consumed.
    const std::string pool_key = target.authority();
    const auto upstream_start = Clock::now();
    std::optional<Upstream> upstream;
    beast::flat_buffer& upstream_buffer = conn.upstream_buffer;
    upstream_buffer.clear();
    upstream_buffer.reserve(conn.scratch.bytes.size());
    std::optional<http::BufferParser<false>> response;
    bool sent_continue = false;
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool reused = false;
        upstream.reset();
        // Unprobed reuse only where a failure can be retried (no body consumed yet).
        const auto trust_for =
            request_has_body ? std::chrono::milliseconds(0) : std::chrono::milliseconds(1000);
        if (auto pooled =
                pool_of(state, upstream_kind).take(pool_key, client.get_executor(), trust_for)) {
            upstream.emplace(std::move(*pooled));
            reused = true;
        } else {
            auto opened = co_await open_upstream(state, target, upstream_kind);
            if (!opened.stream) {
                const auto& failure = *opened.failure;
                out.error = failure.error;
                auto answer =
                    json_error(failure.status, audit::to_string(failure.error),
                               failure.message.empty() ? failure_message(failure.error, pool_key)
                                                       : failure.message,
                               exchange.version, false);
                co_await answer_locally(conn, client, out, answer);
                co_await finish();
                co_return false;
            }
            upstream.emplace(std::move(*opened.stream));
        }
        if (continue_expected && !sent_continue) {
            // Our own 100: the body then goes straight upstream; the upstream's 1xx are skipped.
            static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
            beast::get_lowest_layer(client).expires_after(limits.idle_timeout);
            auto [ec, n] = co_await asio::async_write(client, asio::buffer(interim), use_nothrow);
            out.bytes_out += n;
            sent_continue = true;
            if (ec) {
                out.error = audit::ExchangeError::client_aborted;
                co_await finish();
                co_return false;
            }
        }
        auto sent = co_await http::relay_message(client, conn.buffer, exchange.parser, *upstream,
                                                 limits.idle_timeout, conn.scratch.span());
        out.bytes_in += sent.bytes_read;
        if (sent.read_error) {
            const bool too_large = sent.read_error == bh::error::body_limit;
            out.error = too_large ? audit::ExchangeError::body_too_large
                                  : audit::ExchangeError::client_aborted;
            if (too_large) {
                auto answer =
                    json_error(413, "body_too_large", failure_message(*out.error, pool_key),
                               exchange.version, false);
                co_await answer_locally(conn, client, out, answer);
            } else if (sent.read_error != bh::error::end_of_stream &&
                       sent.read_error != asio::error::eof &&
                       sent.read_error != beast::error::timeout &&
                       sent.read_error != asio::error::connection_reset) {
                // A malformed body (bad chunk size, ...) is the client's fault: 400.
                auto answer = json_error(400, "malformed_request",
                                         "malformed request body: " + sent.read_error.message(),
                                         exchange.version, false);
                co_await answer_locally(conn, client, out, answer);
            }
            co_await finish();
            co_return false;
        }
        if (sent.write_error) {
            if (reused && sent.bytes_read == 0 && attempt == 0) {
                continue;
            }
            out.error = audit::ExchangeError::upstream_reset;
            auto answer = json_error(502, "upstream_reset", failure_message(*out.error, pool_key),
                                     exchange.version, false);
            co_await answer_locally(conn, client, out, answer);
            co_await finish();
            co_return false;
        }
        // 5. The response head (1xx interim responses are dropped: we sent our own 100).
        error_code ec;
        for (;;) {
            response.emplace();
            response->body_limit(boost::none);
            response->header_limit(static_cast<std::uint32_t>(
                std::min<std::uint64_t>(limits.max_header_bytes, 0xffffffffu)));
            if (head_request) {
                response->skip(true);
            }
            beast::get_lowest_layer(*upstream).expires_after(limits.request_timeout);
            auto [rec, n] =
                co_await bh::async_read_header(*upstream, upstream_buffer, *response, use_nothrow);
            ec = rec;
            if (ec || response->get().result_int() >= 200 || response->get().result_int() == 101) {
                break;
            }
        }
        if (ec && reused && attempt == 0 && !request_has_body &&
            (ec == bh::error::end_of_stream || ec == asio::error::connection_reset)) {
            upstream_buffer.clear();
            continue;
        }
        if (ec) {
            out.error = ec == beast::error::timeout ? audit::ExchangeError::upstream_timeout
                        : (ec == bh::error::end_of_stream || ec == asio::error::eof ||
                           ec == asio::error::connection_reset)
                            ? audit::ExchangeError::upstream_reset
                            : audit::ExchangeError::upstream_malformed;
            auto answer =
                json_error(*out.error == audit::ExchangeError::upstream_timeout ? 504u : 502u,
                           audit::to_string(*out.error), failure_message(*out.error, pool_key),
                           exchange.version, false);
            co_await answer_locally(conn, client, out, answer);
            co_await finish();
            co_return false;
        }
        break;
    }
    out.upstream_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - upstream_start).count();

    // 6. The response to the client, streamed.
    auto& res = response->get();
    const unsigned status = res.result_int();
    const bool upstream_keep_alive = res.keep_alive();
    const bool head_only = head_request || status == 204 || status == 304 || status < 200;
    http::remove_hop_by_hop(res);
    bool keep = exchange.keep_alive && !state.stopping && status != 101;
    if (!head_only && !response->chunked() && !response->content_length()) {
        // A body delimited by the upstream's close: re-frame it for HTTP/1.1 clients.
        if (exchange.version >= 11) {
            res.chunked(true);
        } else {
            keep = false;
        }
    } else if (!head_only && response->chunked() && exchange.version < 11) {
        res.chunked(false);  // an HTTP/1.0 client gets the raw body, delimited by the close
        keep = false;
    }
    res.version(exchange.version);
    res.keep_alive(keep);
    out.status = status;
    co_await settle_client_process(conn, out);
    auto relayed =
        co_await http::relay_message(*upstream, upstream_buffer, *response, client,
                                     limits.idle_timeout, conn.scratch.span(), head_only);
    out.bytes_out += relayed.bytes_written;
    if (relayed.read_error) {
        out.error = relayed.read_error == beast::error::timeout
                        ? audit::ExchangeError::upstream_timeout
                        : audit::ExchangeError::upstream_reset;
        keep = false;
    } else if (relayed.write_error) {
        out.error = audit::ExchangeError::client_aborted;
        keep = false;
    } else if (upstream_keep_alive && upstream_buffer.size() == 0 && response->is_done()) {
        pool_of(state, upstream_kind).put(pool_key, std::move(*upstream));
    }
    co_await finish();
    co_return keep;
}

template asio::awaitable<bool> forward_exchange<TcpStream, TcpStream>(Connection&, TcpStream&,
                                                                      Exchange&,
                                                                      const http::Target&,
                                                                      audit::Via);
template asio::awaitable<bool> forward_exchange<http::InterceptStream, http::TlsStream>(
    Connection&, http::InterceptStream&, Exchange&, const http::Target&, audit::Via);
template asio::awaitable<bool> forward_exchange<TcpStream, http::TlsStream>(Connection&, TcpStream&,
                                                                            Exchange&,
                                                                            const http::Target&,
                                                                            audit::Via);
template asio::awaitable<bool> forward_exchange<http::InterceptStream, TcpStream>(
    Connection&, http::InterceptStream&, Exchange&, const http::Target&, audit::Via);

}  // namespace uaudit::server
