#include "support/proxy_fixture.hpp"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace uaudit::test {
namespace bh = beast::http;

namespace {
std::filesystem::path make_temp_dir() {
    std::random_device random;
    auto dir = std::filesystem::temp_directory_path() /
               ("uaudit-it-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(dir);
    return dir;
}
}  // namespace

ProxyFixture::ProxyFixture(const std::function<void(config::Config&)>& tweak)
    : dir_(make_temp_dir()) {
    config::Config config;
    config.listen = {"127.0.0.1", 0};
    config.admin = config::HostPort{"127.0.0.1", 0};
    config.data_dir = dir_.string();
    config.threads = 2;
    config.instance = "it";
    config.identity.company = "Contoso";
    config.identity.product = "ContosoCognito";
    config.events.fsync = config::Fsync::never;
    config.limits.drain_timeout = std::chrono::seconds(2);
    config.resolve[std::string(in_scope_host) + ":80"] = {"127.0.0.1", upstream_.port()};
    config.resolve["example.test:80"] = {"127.0.0.1", upstream_.port()};
    config.resolve["tunnel.test:443"] = {"127.0.0.1", upstream_.port()};
    if (tweak) {
        tweak(config);
    }
    server::ServerOptions options;
    options.console = false;
    options.handle_signals = false;
    proxy_ = std::make_unique<server::ProxyServer>(std::move(config), options);
    proxy_->start();
}

ProxyFixture::~ProxyFixture() {
    stop();
    proxy_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

void ProxyFixture::stop() {
    proxy_->request_stop();
    proxy_->wait();
}

std::string ProxyFixture::event_log_text() {
    // A record is emitted when its exchange ends, which can be just after the client read the
    // response (and after the client_process look-up): wait until no request is being
    // handled (at most 5 s), then flush.
    for (int i = 0; i < 1000 && proxy_->exchanges_active() > 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    proxy_->flush_events();
    std::ifstream in(proxy_->event_log_path());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<boost::json::object> ProxyFixture::events() {
    std::vector<boost::json::object> out;
    std::istringstream lines(event_log_text());
    std::string line;
    while (std::getline(lines, line)) {
        out.push_back(boost::json::parse(line).as_object());
    }
    return out;
}

std::vector<boost::json::object> ProxyFixture::events(std::string_view kind) {
    std::vector<boost::json::object> out;
    for (auto& event : events()) {
        if (event.at("kind").as_string() == kind) {
            out.push_back(std::move(event));
        }
    }
    return out;
}

Client::Client(std::uint16_t port)
    : stream_(ioc_) {
    stream_.expires_after(std::chrono::seconds(10));
    stream_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

Response Client::send(Request request) {
    bh::write(stream_.socket(), request);
    bh::response_parser<bh::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (request.method() == bh::verb::head) {
        parser.skip(true);
    }
    bh::read(stream_.socket(), buffer_, parser);
    return parser.release();
}

bool Client::closed_by_peer() {
    char byte = 0;
    // A closed connection reads EOF at once; an open one would block: bound it.
    timeval tv{0, 300000};
    ::setsockopt(stream_.socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const auto n = ::recv(stream_.socket().native_handle(), &byte, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
}

Request make_request(bh::verb method, const std::string& url,
                     const std::vector<std::string>& user_agents, std::string body) {
    Request request{method, url, 11};
    const auto host_start = url.find("://") + 3;
    request.set(bh::field::host, url.substr(host_start, url.find('/', host_start) - host_start));
    for (const auto& ua : user_agents) {
        request.insert(bh::field::user_agent, ua);
    }
    if (!body.empty() || method == bh::verb::post || method == bh::verb::put) {
        request.body() = std::move(body);
        request.prepare_payload();
    }
    return request;
}

std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout, bool shutdown_send) {
    asio::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    asio::write(socket, asio::buffer(bytes));
    if (shutdown_send) {
        socket.shutdown(tcp::socket::shutdown_send);
    }
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    char data[4096];
    for (;;) {
        // Plain recv: it honours SO_RCVTIMEO (Asio's blocking read would poll past it).
        const auto n = ::recv(socket.native_handle(), data, sizeof data, 0);
        if (n <= 0) {
            break;
        }
        out.append(data, static_cast<std::size_t>(n));
    }
    return out;
}

CommandResult run_command(const std::string& command) {
    CommandResult result;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return result;
    }
    char data[4096];
    std::size_t n = 0;
    while ((n = std::fread(data, 1, sizeof data, pipe)) > 0) {
        result.output.append(data, n);
    }
    const int status = ::pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace uaudit::test
