#include "support/intercept_fixture.hpp"

#include <boost/asio/write.hpp>
#include <sys/socket.h>

#include <cerrno>
#include <fstream>
#include <thread>

namespace uaudit::test {
namespace bh = beast::http;

InterceptFixture::InterceptFixture(TlsUpstreamOptions options,
                                   const std::function<void(config::Config&)>& tweak,
                                   bool trust_origin)
    : origin_(std::move(options))
    , fx_([&](config::Config& c) {
        c.resolve[intercept_host + ":443"] = {"127.0.0.1", origin_.port()};
        if (trust_origin) {
            c.tls.upstream_ca_file = origin_.ca_file().string();
        }
        if (tweak) {
            tweak(c);
        }
    }) {}

CommandResult InterceptFixture::curl(const std::string& args) {
    return run_command("curl -sS --noproxy '' -x " + fx_.proxy_url() + " " + args + " 2>/dev/null");
}

CommandResult InterceptFixture::curl_trusting(const std::string& args) {
    return curl("--cacert " + shell_quote(uaudit_ca().string()) + " -w '\\n%{http_code}' " + args);
}

std::string InterceptFixture::metrics() {
    const auto port = fx_.proxy().admin_port();
    if (!port) {
        return "";
    }
    Client admin(*port);
    return admin.send(make_request(bh::verb::get, "http://127.0.0.1/metrics", {})).body();
}

std::vector<boost::json::object> InterceptFixture::wait_events(std::string_view kind,
                                                               std::size_t count) {
    auto found = fx_.events(kind);
    for (int i = 0; i < 100 && found.size() < count; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        found = fx_.events(kind);
    }
    return found;
}

std::string str(const boost::json::value& value) {
    return std::string(value.as_string());
}

std::string metric(const std::string& text, const std::string& name) {
    const auto at = text.find("\n" + name + " ");
    if (at == std::string::npos) {
        return "";
    }
    const auto start = at + name.size() + 2;
    return text.substr(start, text.find('\n', start) - start);
}

std::pair<std::string, std::string> body_and_status(const std::string& output) {
    const auto newline = output.rfind('\n');
    if (newline == std::string::npos) {
        return {"", output};
    }
    return {output.substr(0, newline), output.substr(newline + 1)};
}

void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
}

std::string receive(tcp::socket& socket, std::chrono::milliseconds timeout, bool& closed,
                    std::string_view until) {
    // Plain recv: it honours SO_RCVTIMEO (Asio's blocking read would poll past it).
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    char data[4096];
    closed = false;
    while (until.empty() || out.find(until) == std::string::npos) {
        const auto n = ::recv(socket.native_handle(), data, sizeof data, 0);
        if (n == 0 || (n < 0 && errno == ECONNRESET)) {
            closed = true;
            break;
        }
        if (n < 0) {
            break;
        }
        out.append(data, static_cast<std::size_t>(n));
    }
    return out;
}

std::string send_connect(tcp::socket& socket, const std::string& authority) {
    asio::write(socket, asio::buffer("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority +
                                     "\r\n\r\n"));
    bool closed = false;
    return receive(socket, std::chrono::seconds(5), closed, "\r\n\r\n");
}

}  // namespace uaudit::test
