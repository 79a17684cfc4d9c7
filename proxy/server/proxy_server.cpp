#include "server/proxy_server.hpp"

#include "config/load.hpp"
#include "core/version.hpp"
#include "server/console.hpp"
#include "server/exit_reports.hpp"
#include "server/gateway.hpp"
#include "server/state.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

namespace uaudit::server {
namespace {

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
        return "localhost";
    }
    return name;
}

// Each open connection needs descriptors: use what the hard limit allows (SPEC §4).
void raise_open_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);  // best effort: the old limit still works
    }
}

tcp::endpoint make_endpoint(const config::HostPort& where) {
    error_code ec;
    auto address = asio::ip::make_address(where.host, ec);
    if (ec) {
        if (where.host == "localhost") {
            address = asio::ip::make_address("127.0.0.1");
        } else {
            throw StartError("cannot listen on " + where.to_string() +
                             ": give an IP address (e.g. 127.0.0.1:8080)");
        }
    }
    return {address, where.port};
}

tcp::acceptor open_acceptor(asio::io_context& ioc, const config::HostPort& where,
                            std::string_view what) {
    const auto endpoint = make_endpoint(where);
    tcp::acceptor acceptor(ioc);
    error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw StartError("cannot listen on " + where.to_string() + " (" + std::string(what) +
                         "): " + ec.message() + "; pick another address with --" +
                         std::string(what) + " or stop what uses the port");
    }
    return acceptor;
}

audit::RunInfo run_info(const ServerState& state, std::uint16_t port) {
    audit::RunInfo info;
    info.ts = std::chrono::system_clock::now();
    info.id = audit::new_event_id();
    info.instance = state.instance;
    info.version = std::string(core::version());
    info.mode = state.config.mode;
    info.identity = state.config.identity;
    info.rules = state.config.rules;
    info.scope = state.config.scope;
    info.listen = config::HostPort{state.config.listen.host, port}.to_string();
    return info;
}

}  // namespace

struct ProxyServer::Impl {
    Impl(config::Config config_in, ServerOptions options_in, std::string instance)
        : options(options_in)
        , out(options_in.out != nullptr ? options_in.out : &std::cout)
        , events(make_log_options(config_in))
        , state(std::move(config_in), events, std::move(instance))
        , io_threads(io_thread_count(state.config))
        , ioc(static_cast<int>(io_threads)) {}

    static unsigned io_thread_count(const config::Config& config) {
        return config.threads != 0 ? config.threads
                                   : std::max(1u, std::thread::hardware_concurrency());
    }

    static audit::EventLogOptions make_log_options(const config::Config& config) {
        audit::EventLogOptions o;
        o.path = std::filesystem::absolute(config::resolve_path(config, config.events.path));
        o.rotate_bytes = config.events.rotate_bytes;
        o.fsync = config.events.fsync;
        return o;
    }

    // One io thread runs every handler in turn: a strand per connection would only add its
    // locking and executor copies to each operation. (The strand is passed as its own type:
    // wrapped in an any_io_executor for async_accept, ASan showed its reference count going
    // wrong under two io threads.)
    asio::awaitable<std::tuple<error_code, tcp::socket>> accept_one(tcp::acceptor& acceptor) {
        if (io_threads == 1) {
            auto [ec, socket] = co_await acceptor.async_accept(ioc.get_executor(), use_nothrow);
            co_return std::tuple<error_code, tcp::socket>(ec, tcp::socket(std::move(socket)));
        }
        auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), use_nothrow);
        co_return std::tuple<error_code, tcp::socket>(ec, tcp::socket(std::move(socket)));
    }

    asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, bool admin,
                                      const GatewayRoute* route = nullptr) {
        for (;;) {
            while (!admin && state.config.limits.max_connections > 0 &&
                   state.metrics.connections_active() >=
                       static_cast<std::int64_t>(state.config.limits.max_connections)) {
                // Beyond max_connections accepting pauses (SPEC §4); the kernel backlog waits.
                asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(20));
                co_await pause.async_wait(use_nothrow);
            }
            auto [ec, socket] = co_await accept_one(acceptor);
            if (ec) {
                if (!acceptor.is_open() || state.stopping) {
                    co_return;
                }
                // EMFILE and friends: wait a little instead of spinning.
                asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
                co_await pause.async_wait(use_nothrow);
                continue;
            }
            // Responses go out as a head write then body writes: without TCP_NODELAY the body
            // waits for the client's delayed ACK (40 ms a response, docs/benchmark.md).
            boost::system::error_code nodelay_ec;
            socket.set_option(tcp::no_delay(true), nodelay_ec);  // best effort: latency only
            auto executor = socket.get_executor();
            asio::co_spawn(executor,
                           admin   ? serve_admin(std::move(socket), state)
                           : route ? serve_gateway(std::move(socket), state, *route)
                                   : serve_forward(std::move(socket), state),
                           [this](std::exception_ptr error) { on_session_end(error); });
        }
    }

    void on_session_end(const std::exception_ptr& error) {
        if (!error) {
            return;
        }
        session_failures.fetch_add(1);
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            std::cerr << "uaudit: a connection failed unexpectedly: " << e.what() << "\n";
        } catch (...) {
            std::cerr << "uaudit: a connection failed unexpectedly\n";
        }
    }

    asio::awaitable<void> summary_loop() {
        asio::steady_timer timer(ioc);
        auto next = std::chrono::steady_clock::now() + state.config.events.summary_interval;
        auto next_console = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        MetricsSnapshot last{};
        while (!state.stopping) {
            timer.expires_after(std::chrono::milliseconds(200));
            co_await timer.async_wait(use_nothrow);
            const auto now = std::chrono::steady_clock::now();
            if (now >= next) {
                next = now + state.config.events.summary_interval;
                emit_summaries();
            }
            if (options.console && now >= next_console) {
                next_console = now + std::chrono::seconds(10);
                const auto snap = state.metrics.snapshot();
                if (snap.requests_in + snap.requests_out + snap.tunnels + snap.refused !=
                    last.requests_in + last.requests_out + last.tunnels + last.refused) {
                    print_summary_line(*out, snap, last);
                    last = snap;
                }
            }
        }
    }

    asio::awaitable<void> signal_loop() {
        asio::signal_set signals(ioc, SIGINT, SIGTERM, SIGHUP);
        for (;;) {
            auto [ec, number] = co_await signals.async_wait(use_nothrow);
            if (ec) {
                co_return;
            }
            if (number == SIGHUP) {
                events.reopen();
                continue;
            }
            if (options.console) {
                *out << "uaudit: stopping (signal " << number << "), draining connections\n"
                     << std::flush;
            }
            begin_stop();
            co_return;
        }
    }

    asio::awaitable<void> drain() {
        state.sessions.close(false);
        asio::steady_timer timer(ioc);
        const auto deadline = std::chrono::steady_clock::now() + state.config.limits.drain_timeout;
        while (state.metrics.connections_active() > 0 &&
               std::chrono::steady_clock::now() < deadline) {
            timer.expires_after(std::chrono::milliseconds(20));
            co_await timer.async_wait(use_nothrow);
            state.sessions.close(false);  // exchanges that finished meanwhile are idle now
        }
        state.sessions.close(true);
        // Give the closed sessions a moment to unwind, then end the loop.
        for (int i = 0; i < 50 && state.metrics.connections_active() > 0; ++i) {
            timer.expires_after(std::chrono::milliseconds(10));
            co_await timer.async_wait(use_nothrow);
        }
        ioc.stop();
    }

    // Runs on the io_context.
    void begin_stop() {
        if (state.stopping.exchange(true)) {
            return;
        }
        error_code ignored;  // closing a listener cannot fail in a way we could act on
        forward_acceptor.close(ignored);
        if (admin_acceptor) {
            admin_acceptor->close(ignored);
        }
        for (auto& listener : route_listeners) {
            listener->acceptor.close(ignored);
        }
        asio::co_spawn(ioc, drain(), asio::detached);
    }

    void emit_summaries() {
        for (const auto& record :
             state.out_of_scope.take(std::chrono::system_clock::now(), state.instance)) {
            state.record(record);
        }
    }

    ServerOptions options;
    std::ostream* out;
    audit::EventLog events;
    ServerState state;
    unsigned io_threads;
    asio::io_context ioc;
    tcp::acceptor forward_acceptor{ioc};
    std::optional<tcp::acceptor> admin_acceptor;
    struct RouteListener {
        GatewayRoute route;
        tcp::acceptor acceptor;
    };
    std::vector<std::unique_ptr<RouteListener>> route_listeners;
    std::vector<std::thread> threads;
    std::atomic<std::uint64_t> session_failures{0};
    RunEvents run_events;  // where this run's records are, for the .csv exit report
    bool started = false;
    bool finished = false;
    bool signals_started = false;
    std::mutex wait_mutex;
};

ProxyServer::ProxyServer(config::Config config, ServerOptions options) {
    std::string instance = config.instance.empty() ? host_name() : config.instance;
    if (config.access.proxy_auth) {
        const char* password = std::getenv(config.access.proxy_auth->password_env.c_str());
        if (password == nullptr) {
            throw StartError("access.proxy_auth: the environment variable " +
                             config.access.proxy_auth->password_env + " (password_env) is not set");
        }
        const std::string credentials = config.access.proxy_auth->user + ":" + password;
        impl_ = std::make_unique<Impl>(std::move(config), options, std::move(instance));
        impl_->state.proxy_credentials = base64_encode(credentials);
        return;
    }
    impl_ = std::make_unique<Impl>(std::move(config), options, std::move(instance));
}

ProxyServer::~ProxyServer() {
    if (impl_->started && !impl_->finished) {
        request_stop();
        wait();
    }
    impl_->state.pool.clear();
    impl_->state.tls_pool.clear();
    impl_->state.process_finder.stop();
}

void ProxyServer::start() {
    Impl& m = *impl_;
    raise_open_file_limit();
    m.forward_acceptor = open_acceptor(m.ioc, m.state.config.listen, "listen");
    m.state.listen_port = m.forward_acceptor.local_endpoint().port();
    if (m.state.config.admin) {
        m.admin_acceptor.emplace(open_acceptor(m.ioc, *m.state.config.admin, "admin"));
    }
    for (std::size_t i = 0; i < m.state.config.routes.size(); ++i) {
        GatewayRoute route;
        try {
            route = make_gateway_route(m.state.config, i);
        } catch (const std::exception& e) {
            throw StartError(e.what());
        }
        auto acceptor =
            open_acceptor(m.ioc, m.state.config.routes[i].listen, route.name + ".listen");
        m.route_listeners.push_back(std::make_unique<Impl::RouteListener>(
            Impl::RouteListener{std::move(route), std::move(acceptor)}));
    }
    // Slack for coarse file times: no file written before this holds a record of this run.
    m.run_events.since = std::filesystem::file_time_type::clock::now() - std::chrono::seconds(2);
    m.run_events.log = m.events.path();
    audit::RunStartRecord run_start{run_info(m.state, m.state.listen_port)};
    m.run_events.start_id = run_start.id;
    m.state.record(run_start);
    asio::co_spawn(m.ioc, m.accept_loop(m.forward_acceptor, false), asio::detached);
    if (m.admin_acceptor) {
        asio::co_spawn(m.ioc, m.accept_loop(*m.admin_acceptor, true), asio::detached);
    }
    for (auto& listener : m.route_listeners) {
        asio::co_spawn(m.ioc, m.accept_loop(listener->acceptor, false, &listener->route),
                       asio::detached);
    }
    asio::co_spawn(m.ioc, m.summary_loop(), asio::detached);
    if (m.options.handle_signals) {
        m.signals_started = true;
        asio::co_spawn(m.ioc, m.signal_loop(), asio::detached);
    }
    if (m.state.tls && !m.state.config.tls.upstream_verify) {
        std::cerr << "uaudit: WARNING: tls.upstream_verify is false: the certificates of "
                     "intercepted hosts are not verified\n";
    }
    if (m.options.console) {
        print_banner(*m.out, m.state, m.events.path(), admin_port());
    }
    const unsigned threads = m.io_threads;
    m.started = true;
    for (unsigned i = 0; i < threads; ++i) {
        m.threads.emplace_back([&m] { m.ioc.run(); });
    }
}

void ProxyServer::request_stop() {
    Impl& m = *impl_;
    asio::post(m.ioc, [&m] { m.begin_stop(); });
}

int ProxyServer::wait() {
    Impl& m = *impl_;
    std::lock_guard lock(m.wait_mutex);
    if (m.finished || !m.started) {
        return 0;
    }
    for (auto& thread : m.threads) {
        thread.join();
    }
    m.threads.clear();
    m.finished = true;
    m.state.pool.clear();
    m.state.tls_pool.clear();
    m.state.process_finder.stop();
    m.emit_summaries();
    audit::RunStopRecord stop{run_info(m.state, m.state.listen_port), {}};
    const auto snap = m.state.metrics.snapshot();
    stop.totals.requests = snap.requests_in;
    stop.totals.compliant = snap.compliant;
    stop.totals.noncompliant = snap.noncompliant;
    stop.totals.rewritten = snap.rewritten;
    stop.totals.blocked = snap.blocked;
    stop.totals.refused = snap.refused;
    stop.totals.out_of_scope = snap.requests_out;
    stop.totals.tunnels = snap.tunnels;
    stop.totals.tls_client_rejected = snap.tls_rejected;
    stop.totals.upstream_errors = snap.upstream_errors;
    m.run_events.stop_id = stop.id;
    m.state.record(stop);
    m.events.flush();
    // A report that cannot be written is said on stderr; the stop itself has succeeded.
    const auto reports =
        write_exit_reports(m.state.config, m.state.report.summarize(), m.run_events, std::cerr);
    if (m.options.console) {
        print_stop(*m.out, snap, m.events.path(), reports);
    }
    return 0;
}

std::uint16_t ProxyServer::port() const {
    return impl_->state.listen_port;
}

std::optional<std::uint16_t> ProxyServer::admin_port() const {
    if (!impl_->admin_acceptor || !impl_->admin_acceptor->is_open()) {
        return std::nullopt;
    }
    error_code ec;
    const auto endpoint = impl_->admin_acceptor->local_endpoint(ec);
    return ec ? std::nullopt : std::optional<std::uint16_t>(endpoint.port());
}

std::filesystem::path ProxyServer::event_log_path() const {
    return impl_->events.path();
}

std::int64_t ProxyServer::exchanges_active() const {
    return impl_->state.metrics.exchanges_active();
}

void ProxyServer::flush_events() {
    impl_->events.flush();
}

void ProxyServer::reopen_events() {
    impl_->events.reopen();
}

}  // namespace uaudit::server
