#include "support/fake_upstream.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>

namespace uaudit::test {
namespace bh = beast::http;

std::vector<std::string> SeenRequest::values(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : fields) {
        if (beast::iequals(n, name)) {
            out.push_back(v);
        }
    }
    return out;
}

FakeUpstream::FakeUpstream()
    : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    acceptor_thread_ = std::thread([this] { accept_loop(); });
}

FakeUpstream::~FakeUpstream() {
    stopping_ = true;
    error_code ec;
    acceptor_.close(ec);
    // Wake the blocking accept with a connection of our own.
    {
        tcp::socket poke(ioc_);
        poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    }
    acceptor_thread_.join();
    {
        std::lock_guard lock(mutex_);
        for (auto& socket : sockets_) {
            socket->shutdown(tcp::socket::shutdown_both, ec);
        }
    }
    for (auto& thread : threads_) {
        thread.join();
    }
}

void FakeUpstream::accept_loop() {
    for (;;) {
        error_code ec;
        tcp::socket socket(ioc_);
        acceptor_.accept(socket, ec);
        if (stopping_) {
            return;
        }
        if (ec) {
            continue;
        }
        const auto number = connections_.fetch_add(1) + 1;
        std::lock_guard lock(mutex_);
        threads_.emplace_back(
            [this, s = std::move(socket), number]() mutable { serve(std::move(s), number); });
    }
}

void FakeUpstream::serve(tcp::socket socket, std::uint64_t number) {
    auto shared = std::make_shared<tcp::socket>(std::move(socket));
    {
        std::lock_guard lock(mutex_);
        sockets_.push_back(shared);
    }
    beast::flat_buffer buffer;
    for (;;) {
        error_code ec;
        bh::request_parser<bh::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        bh::read(*shared, buffer, parser, ec);
        if (ec) {
            return;
        }
        const auto& req = parser.get();
        SeenRequest seen;
        seen.method = std::string(req.method_string());
        seen.target = std::string(req.target());
        seen.version = req.version();
        for (const auto& f : req) {
            seen.fields.emplace_back(std::string(f.name_string()), std::string(f.value()));
        }
        seen.body = req.body();
        seen.connection = number;
        {
            std::lock_guard lock(mutex_);
            requests_.push_back(seen);
        }
        seen_.notify_all();

        const std::string target(req.target());
        bool keep = req.keep_alive();
        if (target == "/chunked") {
            std::string wire =
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                "Transfer-Encoding: chunked\r\n";
            wire += keep ? "\r\n" : "Connection: close\r\n\r\n";
            wire += "5\r\npart1\r\n5\r\npart2\r\n5\r\npart3\r\n0\r\n\r\n";
            asio::write(*shared, asio::buffer(wire), ec);
        } else {
            unsigned status = 200;
            std::string body = "hello from upstream";
            if (target.rfind("/status/", 0) == 0) {
                status = static_cast<unsigned>(std::stoul(target.substr(8)));
                body = (status == 204 || status == 304) ? "" : "status body";
            } else if (target.rfind("/big/", 0) == 0) {
                body.assign(std::stoul(target.substr(5)), 'x');
            } else if (target == "/close") {
                body = "bye";
                keep = false;
            }
            bh::response<bh::string_body> res{static_cast<bh::status>(status), 11};
            res.set(bh::field::content_type, "text/plain");
            res.set("X-Upstream", "fake");
            res.body() = body;
            if (status != 204 && status != 304) {
                res.prepare_payload();
            }
            res.keep_alive(keep);
            if (req.method() == bh::verb::head) {
                bh::response_serializer<bh::string_body> sr{res};
                bh::write_header(*shared, sr, ec);
            } else {
                bh::write(*shared, res, ec);
            }
        }
        if (ec || !keep) {
            shared->shutdown(tcp::socket::shutdown_send, ec);
            return;
        }
    }
}

std::vector<SeenRequest> FakeUpstream::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

bool FakeUpstream::wait_for_requests(std::size_t count) const {
    std::unique_lock lock(mutex_);
    return seen_.wait_for(lock, std::chrono::seconds(5), [&] { return requests_.size() >= count; });
}

void FakeUpstream::clear() {
    std::lock_guard lock(mutex_);
    requests_.clear();
}

}  // namespace uaudit::test
