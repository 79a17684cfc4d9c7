// uaudit_load: an HTTP/1.1 load client for scripts/bench_tls.sh. GET requests over N
// connections, plain or TLS, direct or through a forward proxy (CONNECT + TLS, or
// absolute-form), keep-alive on or off; reports req/s, errors by kind and latency percentiles.

#include "client.hpp"
#include "options.hpp"
#include "stats.hpp"

#include <boost/asio/ssl/context.hpp>

#include <exception>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace uaudit::load {
namespace {

// The host as it appears in an authority: IPv6 literals in brackets.
std::string format_host(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string format_authority(const std::string& host, std::uint16_t port) {
    return format_host(host) + ':' + std::to_string(port);
}

// Resolves once, before the run: name look-ups are not part of what is measured.
tcp::endpoint resolve(asio::io_context& ioc, const HostPort& where) {
    tcp::resolver resolver(ioc);
    error_code ec;
    const auto results = resolver.resolve(where.host, std::to_string(where.port),
                                          tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
        throw std::runtime_error("cannot resolve " + where.host + ": " + ec.message());
    }
    return results.begin()->endpoint();
}

Plan make_plan(asio::io_context& ioc, const Options& options) {
    Plan plan;
    plan.tls = options.tls;
    plan.via_proxy = options.proxy.has_value();
    plan.host = options.host;
    plan.authority = format_authority(options.host, options.port);
    const bool default_port = options.port == (options.tls ? 443 : 80);
    plan.host_field = default_port ? format_host(options.host) : plan.authority;
    // Plain HTTP through a proxy is an absolute-form request to it; everything else
    // (direct, or inside a CONNECT tunnel) is origin-form.
    plan.target = plan.via_proxy && !plan.tls
                      ? std::string("http://") + plan.host_field + options.path_and_query
                      : options.path_and_query;
    plan.headers = options.headers;
    plan.keepalive = options.keepalive;
    plan.verify = !options.insecure;
    plan.timeout = options.timeout;
    const HostPort where = options.proxy        ? *options.proxy
                           : options.connect_to ? *options.connect_to
                                                : HostPort{options.host, options.port};
    plan.endpoint = resolve(ioc, where);
    return plan;
}

void configure_tls(asio::ssl::context& context, const Options& options) {
    if (options.insecure) {
        context.set_verify_mode(asio::ssl::verify_none);
        return;
    }
    context.set_verify_mode(asio::ssl::verify_peer);
    if (options.ca_file) {
        context.load_verify_file(*options.ca_file);  // throws on a bad file: a start-up error
    } else {
        context.set_default_verify_paths();
    }
}

int run(const Options& options) {
    asio::io_context ioc(static_cast<int>(options.threads));
    const Plan plan = make_plan(ioc, options);
    // Every connection makes a full handshake: the client keeps no sessions to resume
    // (OpenSSL's client-side session cache is off unless asked for).
    asio::ssl::context tls_context(asio::ssl::context::tls_client);
    if (plan.tls) {
        configure_tls(tls_context, options);
    }

    std::vector<Stats> per_connection(options.connections);
    std::mutex failure_mutex;
    std::exception_ptr failure;
    const auto start = Clock::now();
    RunControl control(start + options.duration, options.request_cap);
    for (auto& stats : per_connection) {
        // The workers count network failures themselves; an exception here is a bug (or
        // out of memory) and ends the run with an error.
        asio::co_spawn(asio::make_strand(ioc), run_connection(plan, tls_context, control, stats),
                       [&](const std::exception_ptr& error) {
                           if (error) {
                               const std::lock_guard lock(failure_mutex);
                               failure = error;
                           }
                       });
    }
    std::vector<std::jthread> threads;
    for (unsigned i = 1; i < options.threads; ++i) {
        threads.emplace_back([&ioc] { ioc.run(); });
    }
    ioc.run();
    threads.clear();  // joins
    const auto end = std::min(Clock::now(), control.deadline());
    if (failure) {
        std::rethrow_exception(failure);
    }

    Stats total;
    for (const auto& stats : per_connection) {
        total.merge(stats);
    }
    const Summary summary = summarize(total, std::chrono::duration<double>(end - start).count());
    const RunDescription description{
        options.url,
        options.proxy ? format_authority(options.proxy->host, options.proxy->port) : "",
        options.connections, options.keepalive};
    std::cout << (options.json ? format_json(description, total, summary)
                               : format_human(description, total, summary))
              << std::flush;
    return total.ok > 0 ? 0 : 1;
}

}  // namespace
}  // namespace uaudit::load

int main(int argc, char** argv) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    const auto options = uaudit::load::parse_options(args, std::cerr);
    if (!options) {
        return 2;
    }
    if (options->help) {
        std::cout << uaudit::load::usage_text;
        return 0;
    }
    try {
        return uaudit::load::run(*options);
    } catch (const std::exception& error) {
        std::cerr << "uaudit_load: " << error.what() << '\n';
        return 2;
    }
}
