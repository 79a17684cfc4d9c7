#include "audit/event_record.hpp"

#include <array>
#include <random>
#include <utility>

namespace uaudit::audit {

namespace {

// Enumerator names, indexed by the enumerator's value.
constexpr std::array<std::string_view, 4> via_names{"forward", "tunnel", "intercept", "gateway"};
constexpr std::array<std::string_view, 2> verdict_names{"compliant", "noncompliant"};
constexpr std::array<std::string_view, 3> action_names{"pass", "rewrite", "block"};
constexpr std::array<std::string_view, 10> error_names{
    "dns_failed",        "connect_failed", "connect_timeout",  "tls_handshake_failed",
    "tls_verify_failed", "upstream_reset", "upstream_timeout", "upstream_malformed",
    "client_aborted",    "body_too_large"};

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, Enum value) {
    const auto index = static_cast<std::size_t>(value);
    return index < N ? names[index] : std::string_view{"unknown"};
}

template <class Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                               std::string_view text) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == text) {
            return static_cast<Enum>(i);
        }
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(Via via) {
    return name_of(via_names, via);
}
std::string_view to_string(RequestVerdict verdict) {
    return name_of(verdict_names, verdict);
}
std::string_view to_string(Action action) {
    return name_of(action_names, action);
}
std::string_view to_string(ExchangeError error) {
    return name_of(error_names, error);
}

std::optional<Via> parse_via(std::string_view text) {
    return parse_name<Via>(via_names, text);
}
std::optional<RequestVerdict> parse_verdict(std::string_view text) {
    return parse_name<RequestVerdict>(verdict_names, text);
}
std::optional<Action> parse_action(std::string_view text) {
    return parse_name<Action>(action_names, text);
}
std::optional<ExchangeError> parse_exchange_error(std::string_view text) {
    return parse_name<ExchangeError>(error_names, text);
}

bool is_tls_reject_reason(std::string_view text) {
    for (const std::string_view known : {"unknown_ca", "bad_certificate", "certificate_unknown",
                                         "closed_in_handshake", "handshake_timeout", "not_tls"}) {
        if (text == known) {
            return true;
        }
    }
    constexpr std::string_view alert = "alert_";
    if (!text.starts_with(alert) || text.size() == alert.size()) {
        return false;
    }
    for (const char c : text.substr(alert.size())) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

std::string_view kind_of(const EventRecord& record) {
    constexpr std::array<std::string_view, std::variant_size_v<EventRecord>> kinds{
        "run_start",
        "run_stop",
        "request",
        "refused",
        "tls_client_rejected",
        "out_of_scope",
        "out_of_scope_summary"};
    return kinds[record.index()];
}

std::string new_event_id() {
    // Seeded per thread from the OS entropy source, so ids do not repeat across threads,
    // restarts or instances (2^-64 birthday odds at billions of records).
    thread_local std::mt19937_64 generator = [] {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device(),
                           device(), device(), device(), device()};
        return std::mt19937_64(seed);
    }();
    constexpr char digits[] = "0123456789abcdef";
    std::string id(32, '0');
    for (std::size_t half = 0; half < 2; ++half) {
        auto bits = generator();
        for (std::size_t i = 0; i < 16; ++i) {
            id[half * 16 + i] = digits[bits & 0xf];
            bits >>= 4;
        }
    }
    return id;
}

}  // namespace uaudit::audit
