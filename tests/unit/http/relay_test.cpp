#include "http/relay.hpp"

#include "http/read_head.hpp"

#include <boost/asio/use_future.hpp>
#include <boost/beast/_experimental/test/fail_count.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <catch2/catch.hpp>

#include <array>
#include <span>
#include <string>
#include <type_traits>

namespace asio = uaudit::asio;
namespace beast = uaudit::beast;
namespace bh = boost::beast::http;
using uaudit::http::HeadStatus;

namespace {

// The relay's scratch space; small, so that bodies take several rounds.
std::array<char, 1000> scratch_bytes;
const std::span<char> scratch{scratch_bytes};

template <class T>
T run(asio::io_context& ioc, asio::awaitable<T> task) {
    auto future = asio::co_spawn(ioc, std::move(task), asio::use_future);
    ioc.run();
    ioc.restart();
    return future.get();
}

struct HeadCase {
    std::string input;
    uaudit::http::HeadResult result;
    std::string rest;  // what stayed in the buffer
    uaudit::http::BufferParser<true> parser;
};

void read_head(HeadCase& c, std::uint64_t max_header = 1024, std::size_t read_size = 7) {
    asio::io_context ioc;
    beast::test::stream peer(ioc);
    beast::test::stream stream(ioc);
    stream.connect(peer);
    stream.read_size(read_size);
    peer.write_some(asio::buffer(c.input));
    peer.close();
    beast::flat_buffer buffer;
    c.parser.body_limit(boost::none);
    uaudit::http::HeadLimits limits;
    limits.max_header_bytes = max_header;
    c.result = run(ioc, uaudit::http::read_request_head(stream, buffer, c.parser, limits));
    c.rest = beast::buffers_to_string(buffer.data());
}

// Parses what a relay wrote, to compare the message rather than its chunking.
bh::request<bh::string_body> parse_request(const std::string& wire) {
    asio::io_context ioc;
    beast::test::stream stream(ioc, wire);
    beast::flat_buffer buffer;
    bh::request<bh::string_body> request;
    bh::read(stream, buffer, request);
    return request;
}

}  // namespace

TEST_CASE("read_request_head stops at the head and keeps the body bytes", "[http][head]") {
    HeadCase c;
    c.input = "\r\nPOST http://h/x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhelloGET";
    read_head(c, 1024, 4096);
    REQUIRE(c.result.status == HeadStatus::ok);
    CHECK(c.parser.get().target() == "http://h/x");
    CHECK(c.parser.get().method() == bh::verb::post);
    CHECK(c.rest == "helloGET");
    CHECK(c.result.bytes == c.input.size() - 2 - 8);
}

TEST_CASE("read_request_head classifies bad and short heads", "[http][head]") {
    struct Row {
        std::string input;
        HeadStatus status;
    };
    const Row rows[] = {
        {"", HeadStatus::closed},
        {"GET http://h/ HTTP/1.1\r\nHost:", HeadStatus::aborted},
        {"GET http://h/ HTTP/1.1\r\nX: a\r\n b\r\n\r\n", HeadStatus::malformed},
        {"GET http://h/ HTTP/1.1\r\nBad Field: a\r\n\r\n", HeadStatus::malformed},
        {"GARBAGE\r\n\r\n", HeadStatus::malformed},
        {"POST http://h/ HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
         HeadStatus::bad_framing},
        {"POST http://h/ HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
         HeadStatus::bad_framing},
        {"GET http://h/ HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n",
         HeadStatus::too_large},
        {"GET http://h/ HTTP/1.1\r\nX: " + std::string(2000, 'a'), HeadStatus::too_large},
    };
    for (const auto& row : rows) {
        CAPTURE(row.input.substr(0, 60));
        HeadCase c;
        c.input = row.input;
        read_head(c);
        CHECK(c.result.status == row.status);
    }
}

TEST_CASE("relay_message streams chunked and sized bodies", "[http][relay]") {
    const std::string big(100000, 'z');
    const std::string inputs[] = {
        "POST http://h/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        "POST http://h/x HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n" + big,
        "GET http://h/x HTTP/1.1\r\nHost: h\r\n\r\n",
    };
    const std::string bodies[] = {"hello world", big, ""};
    for (std::size_t i = 0; i < 3; ++i) {
        HeadCase c;
        c.input = inputs[i];
        asio::io_context ioc;
        beast::test::stream peer(ioc);
        beast::test::stream src(ioc);
        src.connect(peer);
        src.read_size(997);
        peer.write_some(asio::buffer(c.input));
        peer.close();
        beast::test::stream dst(ioc);
        beast::test::stream sink(ioc);
        dst.connect(sink);
        beast::flat_buffer buffer;
        c.parser.body_limit(boost::none);
        const auto head = run(ioc, uaudit::http::read_request_head(src, buffer, c.parser, {}));
        REQUIRE(head.status == HeadStatus::ok);
        c.parser.get().target("/x");
        const auto result = run(ioc, uaudit::http::relay_message(src, buffer, c.parser, dst,
                                                                 std::chrono::seconds(5), scratch));
        REQUIRE(result.ok());
        CHECK(result.bytes_read == c.input.size() - head.bytes);
        const std::string wire = sink.str();
        CHECK(result.bytes_written == wire.size());
        const auto forwarded = parse_request(wire);
        CHECK(forwarded.target() == "/x");
        CHECK(forwarded.body() == bodies[i]);
        CHECK(forwarded[bh::field::host] == "h");
    }
}

TEST_CASE("a chunked body over the limit fails the relay with body_limit", "[http][relay]") {
    HeadCase c;
    c.input =
        "POST http://h/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "a\r\n0123456789\r\n0\r\n\r\n";
    asio::io_context ioc;
    beast::test::stream peer(ioc);
    beast::test::stream src(ioc);
    src.connect(peer);
    peer.write_some(asio::buffer(c.input));
    peer.close();
    beast::test::stream dst(ioc);
    beast::test::stream sink(ioc);
    dst.connect(sink);
    beast::flat_buffer buffer;
    c.parser.body_limit(boost::none);
    REQUIRE(run(ioc, uaudit::http::read_request_head(src, buffer, c.parser, {})).status ==
            HeadStatus::ok);
    c.parser.body_limit(4);
    const auto result = run(ioc, uaudit::http::relay_message(src, buffer, c.parser, dst,
                                                             std::chrono::seconds(5), scratch));
    CHECK(result.read_error == bh::error::body_limit);
}

TEST_CASE("relay_message reports, never crashes on, a failure at any step", "[http][relay]") {
    const std::string input =
        "POST http://h/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    bool succeeded = false;
    for (std::size_t n = 1; n < 200 && !succeeded; ++n) {
        CAPTURE(n);
        asio::io_context ioc;
        beast::test::fail_count fc(n);
        beast::test::stream peer(ioc);
        beast::test::stream src(ioc, fc);
        src.connect(peer);
        src.read_size(5);
        peer.write_some(asio::buffer(input));
        peer.close();
        beast::test::stream dst(ioc, fc);
        beast::test::stream sink(ioc);
        dst.connect(sink);
        dst.write_size(7);
        beast::flat_buffer buffer;
        uaudit::http::BufferParser<true> parser;
        parser.body_limit(boost::none);
        const auto head = run(ioc, uaudit::http::read_request_head(src, buffer, parser, {}));
        if (head.status != HeadStatus::ok) {
            CHECK((head.status == HeadStatus::aborted || head.status == HeadStatus::closed));
            continue;
        }
        const auto result = run(ioc, uaudit::http::relay_message(src, buffer, parser, dst,
                                                                 std::chrono::seconds(1), scratch));
        if (result.ok()) {
            succeeded = true;
            CAPTURE(sink.str());
            CHECK(parse_request(sink.str()).body() == "hello world");
        } else {
            CHECK((result.read_error == beast::test::error::test_failure ||
                   result.write_error == beast::test::error::test_failure));
        }
    }
    CHECK(succeeded);
}

TEST_CASE("format_head writes the head exactly as Beast's serializer does", "[http][relay]") {
    const auto beast_head = [](auto& message) {
        bh::serializer<std::remove_reference_t<decltype(message)>::is_request::value,
                       bh::string_body>
            serializer{message};
        std::string out;
        boost::system::error_code ec;
        serializer.split(true);
        while (!serializer.is_header_done()) {
            serializer.next(ec, [&](boost::system::error_code&, const auto& buffers) {
                out += beast::buffers_to_string(buffers);
                serializer.consume(beast::buffer_bytes(buffers));
            });
        }
        return out;
    };
    bh::request<bh::string_body> request{bh::verb::post, "/api/machines?x=1", 11};
    request.set(bh::field::host, "api.securitycenter.microsoft.com");
    request.set(bh::field::user_agent, "MdePartner-Contoso-ContosoCognito/1.0.0");
    request.insert("X-Custom", "a, b");
    request.set(bh::field::content_length, "0");
    std::string head;
    uaudit::http::detail::format_head(request, head);
    CHECK(head == beast_head(request));
    CHECK(head.rfind(
              "POST /api/machines?x=1 HTTP/1.1\r\nHost: api.securitycenter.microsoft.com\r\n", 0) ==
          0);

    for (const std::string reason : {"", "Fine"}) {
        bh::response<bh::string_body> response{bh::status::not_found, 10};
        response.reason(reason);
        response.set(bh::field::server, "nginx");
        response.set(bh::field::content_length, "12");
        std::string response_head;
        uaudit::http::detail::format_head(response, response_head);
        CHECK(response_head == beast_head(response));
        CHECK(response_head.rfind(
                  reason.empty() ? "HTTP/1.0 404 Not Found\r\n" : "HTTP/1.0 404 Fine\r\n", 0) == 0);
    }
}
