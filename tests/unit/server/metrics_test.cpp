#include "server/metrics.hpp"

#include "server/client_process.hpp"

#include <catch2/catch.hpp>

using namespace uaudit;

TEST_CASE("metrics render the Prometheus text format", "[server][metrics]") {
    server::Metrics m;
    m.count_request(true, true, audit::Action::pass, 0.002);
    m.count_request(true, false, audit::Action::rewrite, 0.2);
    m.count_request(false, std::nullopt, audit::Action::pass, 20);
    m.count_finding("UA005");
    m.count_finding("UA005");
    m.count_upstream_error("connect_failed");
    m.count_tunnel();
    m.connection_opened();
    const auto text = m.render(3);
    for (const char* line : {
             "uaudit_requests_total{scope=\"in\",verdict=\"compliant\",action=\"pass\"} 1\n",
             "uaudit_requests_total{scope=\"in\",verdict=\"noncompliant\",action=\"rewrite\"} 1\n",
             "uaudit_requests_total{scope=\"out\",verdict=\"none\",action=\"pass\"} 1\n",
             "uaudit_findings_total{code=\"UA005\"} 2\n",
             "uaudit_upstream_errors_total{reason=\"connect_failed\"} 1\n",
             "uaudit_connections_active 1\n",
             "uaudit_tunnels_total 1\n",
             "uaudit_request_duration_seconds_bucket{le=\"0.005\"} 1\n",
             "uaudit_request_duration_seconds_bucket{le=\"0.25\"} 2\n",
             "uaudit_request_duration_seconds_bucket{le=\"10\"} 2\n",
             "uaudit_request_duration_seconds_bucket{le=\"+Inf\"} 3\n",
             "uaudit_request_duration_seconds_count 3\n",
             "uaudit_event_log_errors_total 3\n",
         }) {
        CAPTURE(line);
        CHECK(text.find(line) != std::string::npos);
    }
    CHECK(text.find("scope=\"out\",verdict=\"compliant\"") == std::string::npos);
    const auto snap = m.snapshot();
    CHECK(snap.requests_in == 2);
    CHECK(snap.noncompliant == 1);
    CHECK(snap.rewritten == 1);
    CHECK(snap.requests_out == 1);
    CHECK(snap.upstream_errors == 1);
}

TEST_CASE("client process helpers read /proc formats", "[server][process]") {
    const std::string table =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
        "timeout inode\n"
        "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 "
        "       0 11111 1 0000000000000000 100 0 0 10 0\n"
        "   1: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000 "
        "       0 22222 1 0000000000000000 20 4 30 10 -1\n";
    CHECK(server::find_socket_inode(table, 0xD431, 0x1F90) == 22222u);
    CHECK_FALSE(server::find_socket_inode(table, 0xD432, 0x1F90));
    CHECK(server::short_command(std::string("/usr/bin/python3\0sync.py\0--token\0SECRET\0", 40)) ==
          "python3 sync.py");
    CHECK(server::short_command(std::string("curl\0", 5)) == "curl");
    CHECK(server::short_command("") == "");
}
