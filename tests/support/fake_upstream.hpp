#pragma once
// An in-process HTTP/1.1 origin server for integration tests: binds 127.0.0.1:0, serves on its
// own threads (one per connection, blocking Beast), and records every request it receives.
// Behaviour by path:
//   /chunked        200 with a chunked body "part1part2part3"
//   /status/<n>     that status (no body for 204/304)
//   /close          200 "bye" then closes (no keep-alive)
//   /big/<n>        200 with n bytes of 'x' (Content-Length)
//   anything else   200 "hello from upstream", keep-alive as the client asks

#include "core/asio.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace uaudit::test {

struct SeenRequest {
    std::string method;
    std::string target;
    unsigned version = 11;
    std::vector<std::pair<std::string, std::string>> fields;  // in order, names as sent
    std::string body;
    std::uint64_t connection = 0;  // which accepted connection (1, 2, ...) carried it

    /// Every value of a field (case-insensitive name).
    std::vector<std::string> values(std::string_view name) const;
    bool has(std::string_view name) const { return !values(name).empty(); }
};

class FakeUpstream {
public:
    FakeUpstream();
    ~FakeUpstream();
    FakeUpstream(const FakeUpstream&) = delete;
    FakeUpstream& operator=(const FakeUpstream&) = delete;

    std::uint16_t port() const { return port_; }
    std::vector<SeenRequest> requests() const;
    std::uint64_t connections() const { return connections_.load(); }
    /// Waits (up to 5 s) until `count` requests have been seen.
    bool wait_for_requests(std::size_t count) const;
    void clear();

private:
    void accept_loop();
    void serve(tcp::socket socket, std::uint64_t number);

    asio::io_context ioc_;
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> connections_{0};
    mutable std::mutex mutex_;
    mutable std::condition_variable seen_;
    std::vector<SeenRequest> requests_;
    std::vector<std::thread> threads_;
    std::vector<std::shared_ptr<tcp::socket>> sockets_;
    std::thread acceptor_thread_;
};

}  // namespace uaudit::test
