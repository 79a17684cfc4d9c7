#include "http/framing.hpp"

#include "http/hop_by_hop.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <catch2/catch.hpp>

namespace bh = boost::beast::http;

TEST_CASE("hop-by-hop fields are removed, end-to-end ones kept", "[http][hop]") {
    bh::fields fields;
    fields.insert(bh::field::connection, "keep-alive, X-Secret-Hop, user-agent, content-length");
    fields.insert(bh::field::connection, "Upgrade");
    fields.insert("X-Secret-Hop", "1");
    fields.insert(bh::field::proxy_connection, "keep-alive");
    fields.insert(bh::field::keep_alive, "timeout=5");
    fields.insert(bh::field::te, "trailers");
    fields.insert(bh::field::trailer, "X-T");
    fields.insert(bh::field::upgrade, "websocket");
    fields.insert(bh::field::proxy_authorization, "Basic abc");
    fields.insert(bh::field::proxy_authenticate, "Basic");
    fields.insert(bh::field::user_agent, "MdePartner-A-B/1.0.0");
    fields.insert(bh::field::content_length, "3");
    fields.insert(bh::field::authorization, "Bearer t");
    fields.insert("X-End", "e");
    uaudit::http::remove_hop_by_hop(fields);
    std::vector<std::string> names;
    for (const auto& f : fields) {
        names.emplace_back(f.name_string());
    }
    CHECK(names ==
          std::vector<std::string>{"User-Agent", "Content-Length", "Authorization", "X-End"});
}

TEST_CASE("smuggling shapes are refused", "[http][framing]") {
    using uaudit::http::check_request_framing;
    const auto head = [](std::initializer_list<std::pair<const char*, const char*>> fs,
                         unsigned version = 11) {
        bh::request_header<> h;
        h.version(version);
        for (const auto& [n, v] : fs) {
            h.insert(n, v);
        }
        return h;
    };
    CHECK_FALSE(check_request_framing(head({{"Content-Length", "5"}})));
    CHECK_FALSE(check_request_framing(head({{"Content-Length", "5"}, {"Content-Length", "5"}})));
    CHECK_FALSE(check_request_framing(head({{"Content-Length", "5, 5"}})));
    CHECK_FALSE(check_request_framing(head({{"Transfer-Encoding", "gzip, chunked"}})));
    CHECK(check_request_framing(head({{"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}})));
    CHECK(check_request_framing(head({{"Content-Length", "5"}, {"Content-Length", "6"}})));
    CHECK(check_request_framing(head({{"Content-Length", "5, 6"}})));
    CHECK(check_request_framing(head({{"Content-Length", "-1"}})));
    CHECK(check_request_framing(head({{"Content-Length", "0x10"}})));
    CHECK(check_request_framing(head({{"Transfer-Encoding", "chunked, gzip"}})));
    CHECK(check_request_framing(head({{"Transfer-Encoding", "chunked"}}, 10)));
    CHECK(check_request_framing(
        head({{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}})));

    bh::fields f;
    f.insert(bh::field::content_length, "5, 5");
    f.insert(bh::field::content_length, "5");
    uaudit::http::normalize_content_length(f);
    CHECK(f.count(bh::field::content_length) == 1);
    CHECK(f[bh::field::content_length] == "5");
}

TEST_CASE("obs-fold in a raw head is refused", "[http][framing]") {
    using uaudit::http::check_raw_head;
    CHECK_FALSE(check_raw_head("GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n"));
    CHECK(check_raw_head("GET http://h/ HTTP/1.1\r\nX: a\r\n b\r\n\r\n"));
    CHECK(check_raw_head("GET http://h/ HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n"));
    CHECK(check_raw_head("GET http://h/ HTTP/1.1\r\n Host: h\r\n\r\n"));
}
