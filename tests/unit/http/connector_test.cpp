#include "http/connector.hpp"

#include "http/pool.hpp"

#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <thread>

namespace asio = uaudit::asio;
using uaudit::tcp;
using uaudit::http::Address;
using uaudit::http::UpstreamConnector;
using uaudit::http::UpstreamError;

namespace {

template <class T>
T run(asio::io_context& ioc, asio::awaitable<T> task) {
    auto future = asio::co_spawn(ioc, std::move(task), asio::use_future);
    ioc.run();
    ioc.restart();
    return future.get();
}

}  // namespace

TEST_CASE("resolve overrides: host:port beats host, else the name itself", "[http][connector]") {
    const UpstreamConnector connector({{"api.test:443", {"127.0.0.1", 9443}},
                                       {"api.test", {"10.0.0.1", 80}},
                                       {"[::1]:80", {"127.0.0.1", 81}}},
                                      std::chrono::seconds(1));
    const auto a = connector.route("api.test", 443);
    CHECK(a.host == "127.0.0.1");
    CHECK(a.port == 9443);
    const auto b = connector.route("api.test", 8080);
    CHECK(b.host == "10.0.0.1");
    CHECK(b.port == 80);
    const auto c = connector.route("other.test", 80);
    CHECK(c.host == "other.test");
    CHECK(c.port == 80);
    CHECK(connector.route("::1", 80).port == 81);
}

TEST_CASE("connect reaches an override target and reports refused ports", "[http][connector]") {
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    const auto port = acceptor.local_endpoint().port();
    std::uint16_t closed_port = 0;
    {
        tcp::acceptor temporary(ioc, {asio::ip::make_address("127.0.0.1"), 0});
        closed_port = temporary.local_endpoint().port();
    }
    const UpstreamConnector connector(
        {{"up.test:80", {"127.0.0.1", port}}, {"down.test:80", {"127.0.0.1", closed_port}}},
        std::chrono::seconds(2));
    auto ok = run(ioc, connector.connect("up.test", 80));
    REQUIRE(ok.stream);
    CHECK(ok.error == UpstreamError::none);
    CHECK(ok.peer == "127.0.0.1:" + std::to_string(port));
    auto refused = run(ioc, connector.connect("down.test", 80));
    CHECK_FALSE(refused.stream);
    CHECK(refused.error == UpstreamError::connect_failed);
    CHECK(to_string(refused.error) == "connect_failed");
}

TEST_CASE("the pool hands back live connections only", "[http][pool]") {
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    const auto port = acceptor.local_endpoint().port();
    const UpstreamConnector connector({}, std::chrono::seconds(2));
    uaudit::http::ConnectionPool pool(2, std::chrono::seconds(30));

    auto first = run(ioc, connector.connect("127.0.0.1", port));
    REQUIRE(first.stream);
    tcp::socket server_side = acceptor.accept();
    pool.put("k", std::move(*first.stream));
    CHECK(pool.idle() == 1);
    auto again = pool.take("k", ioc.get_executor());
    REQUIRE(again);
    CHECK(pool.idle() == 0);
    CHECK_FALSE(pool.take("k", ioc.get_executor()));

    // The upstream closes an idle connection: the pool must not hand it out.
    pool.put("k", std::move(*again));
    server_side.close();
    for (int i = 0; i < 50 && pool.idle() == 1; ++i) {
        if (auto taken = pool.take("k", ioc.get_executor())) {
            pool.put("k", std::move(*taken));  // not yet seen closed: try again shortly
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    CHECK_FALSE(pool.take("k", ioc.get_executor()));

    // Idle expiry and the per-key cap.
    uaudit::http::ConnectionPool short_pool(1, std::chrono::milliseconds(0));
    auto a = run(ioc, connector.connect("127.0.0.1", port));
    auto accepted = acceptor.accept();
    REQUIRE(a.stream);
    short_pool.put("k", std::move(*a.stream));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK_FALSE(short_pool.take("k", ioc.get_executor()));
}
