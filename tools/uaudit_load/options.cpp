#include "options.hpp"

#include <boost/url/parse.hpp>

#include <charconv>

namespace uaudit::load {

const std::string_view usage_text =
    R"(Usage: uaudit_load --url URL [-c N] [-d SECONDS] [-n REQUESTS] [--proxy HOST:PORT]
                   [--keepalive on|off] [--cacert FILE | --insecure]
                   [--connect-to HOST:PORT=ADDR:PORT | --resolve ADDR[:PORT]]
                   [--header "Name: value"]... [--timeout DURATION] [--threads N] [--json]

Sends GET requests for URL over N connections for a while and reports requests per second,
errors by kind and latency percentiles. HTTP/1.1, plain (http://) or TLS (https://).

  --url URL          http://host[:port]/path or https://host[:port]/path
  -c N               concurrent connections, 1-4096 (default 16)
  -d SECONDS         duration, 1-60 (default 10; with -n alone the run stops at 60 s)
  -n REQUESTS        stop after this many requests (errors included)
  --proxy HOST:PORT  through a forward proxy: https via "CONNECT host:port" then TLS inside
                     the tunnel, http as absolute-form requests; none = straight to the host
  --keepalive on|off on (default): requests follow one another on each connection;
                     off: a new TCP connection (+ CONNECT + TLS handshake) per request, and
                     the request's latency includes all of it
  --cacert FILE      trust these PEM certificates (default: the system store); the chain
                     and the URL's host name are verified
  --insecure         no certificate verification
  --connect-to HOST:PORT=ADDR:PORT
                     direct mode: connect to ADDR:PORT when the URL names HOST:PORT (the TLS
                     name and Host header stay the URL's)
  --resolve ADDR[:PORT]
                     direct mode: connect to ADDR (and PORT) whatever the URL's host is
                     (IPv6 in brackets: [::1] or [::1]:8443)
  --header "Name: value"
                     add or replace a request header (repeatable); the default User-Agent
                     is uaudit_load/1
  --timeout DURATION bound of every connect, CONNECT, handshake, write and response
                     (e.g. 5, 5s, 500ms; default 5s, at most 60s)
  --threads N        io threads, 1-64 (default 1)
  --json             print one line of JSON instead of the human summary
  -h, --help         this text

Errors never stop the run: they are counted by kind (connect, proxy, handshake, write,
read, closed, timeout, status) and the connection is opened again. Exit status: 0 when at
least one response was 2xx, 1 when none was, 2 on a usage error.
)";

namespace {

template <class Number>
std::optional<Number> parse_number(std::string_view text) {
    Number value{};
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    std::uint64_t scale = 1000;
    if (text.ends_with("ms")) {
        text.remove_suffix(2);
        scale = 1;
    } else if (text.ends_with("s")) {
        text.remove_suffix(1);
    }
    const auto value = parse_number<std::uint64_t>(text);
    if (!value || *value == 0 || *value > 60'000 / scale) {
        return std::nullopt;
    }
    return std::chrono::milliseconds(*value * scale);
}

// Sets the URL fields of `options`; false after writing why the URL is not usable.
bool parse_url(std::string_view text, Options& options, std::ostream& err) {
    const auto parsed = boost::urls::parse_uri(text);
    if (!parsed) {
        err << "uaudit_load: --url '" << text << "' is not a URL\n";
        return false;
    }
    const auto& url = *parsed;
    if (url.scheme() != "http" && url.scheme() != "https") {
        err << "uaudit_load: --url must be http:// or https://\n";
        return false;
    }
    options.tls = url.scheme() == "https";
    options.host = url.host_address();
    if (options.host.empty()) {
        err << "uaudit_load: --url has no host\n";
        return false;
    }
    options.port = options.tls ? 443 : 80;
    if (url.has_port()) {
        const auto port = parse_number<std::uint16_t>(url.port());
        if (!port || *port == 0) {
            err << "uaudit_load: --url has a bad port '" << url.port() << "'\n";
            return false;
        }
        options.port = *port;
    }
    options.path_and_query = url.encoded_target();
    if (options.path_and_query.empty()) {
        options.path_and_query = "/";
    }
    options.url = text;
    return true;
}

// "HOST:PORT=ADDR:PORT"
std::optional<HostPort> parse_connect_to(std::string_view text, const Options& options,
                                         std::ostream& err) {
    const auto equals = text.find('=');
    const auto from = parse_host_port(text.substr(0, equals));
    const auto to =
        equals == std::string_view::npos ? std::nullopt : parse_host_port(text.substr(equals + 1));
    if (!from || !to) {
        err << "uaudit_load: --connect-to needs HOST:PORT=ADDR:PORT, got '" << text << "'\n";
        return std::nullopt;
    }
    if (from->host != options.host || from->port != options.port) {
        err << "uaudit_load: --connect-to " << from->host << ':' << from->port
            << " does not match the URL's " << options.host << ':' << options.port << '\n';
        return std::nullopt;
    }
    return to;
}

}  // namespace

std::optional<HostPort> parse_host_port(std::string_view text) {
    std::string_view host;
    std::string_view port;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos || text.substr(close + 1, 1) != ":") {
            return std::nullopt;
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) {
            return std::nullopt;
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    const auto number = parse_number<std::uint16_t>(port);
    if (host.empty() || !number || *number == 0) {
        return std::nullopt;
    }
    return HostPort{std::string(host), *number};
}

std::optional<Options> parse_options(std::span<const std::string_view> args, std::ostream& err) {
    Options options;
    std::optional<std::string_view> url;
    std::optional<std::string_view> connect_to;
    std::optional<std::string_view> resolve;
    bool duration_given = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg == "-h" || arg == "--help") {
            options.help = true;
            return options;
        }
        if (arg == "--insecure") {
            options.insecure = true;
            continue;
        }
        if (arg == "--json") {
            options.json = true;
            continue;
        }
        if (i + 1 >= args.size()) {
            err << "uaudit_load: " << (arg.starts_with('-') ? "" : "unexpected argument ") << arg
                << (arg.starts_with('-') ? " needs a value or is unknown" : "") << '\n';
            return std::nullopt;
        }
        const std::string_view value = args[++i];
        if (arg == "--url") {
            url = value;
        } else if (arg == "-c") {
            const auto n = parse_number<unsigned>(value);
            if (!n || *n < 1 || *n > 4096) {
                err << "uaudit_load: -c must be 1 to 4096\n";
                return std::nullopt;
            }
            options.connections = *n;
        } else if (arg == "-d") {
            const auto n = parse_number<unsigned>(
                value.ends_with('s') ? value.substr(0, value.size() - 1) : value);
            if (!n || *n < 1 || *n > 60) {
                err << "uaudit_load: -d must be 1 to 60 seconds\n";
                return std::nullopt;
            }
            options.duration = std::chrono::seconds(*n);
            duration_given = true;
        } else if (arg == "-n") {
            const auto n = parse_number<std::uint64_t>(value);
            if (!n || *n == 0) {
                err << "uaudit_load: -n must be a positive number of requests\n";
                return std::nullopt;
            }
            options.request_cap = *n;
        } else if (arg == "--threads") {
            const auto n = parse_number<unsigned>(value);
            if (!n || *n < 1 || *n > 64) {
                err << "uaudit_load: --threads must be 1 to 64\n";
                return std::nullopt;
            }
            options.threads = *n;
        } else if (arg == "--proxy") {
            options.proxy = parse_host_port(value);
            if (!options.proxy) {
                err << "uaudit_load: --proxy needs HOST:PORT, got '" << value << "'\n";
                return std::nullopt;
            }
        } else if (arg == "--keepalive") {
            if (value != "on" && value != "off") {
                err << "uaudit_load: --keepalive must be on or off\n";
                return std::nullopt;
            }
            options.keepalive = value == "on";
        } else if (arg == "--timeout") {
            const auto timeout = parse_duration(value);
            if (!timeout) {
                err << "uaudit_load: --timeout must be 1ms to 60s, got '" << value << "'\n";
                return std::nullopt;
            }
            options.timeout = *timeout;
        } else if (arg == "--cacert") {
            options.ca_file = std::string(value);
        } else if (arg == "--connect-to") {
            connect_to = value;
        } else if (arg == "--resolve") {
            resolve = value;
        } else if (arg == "--header" || arg == "-H") {
            const auto colon = value.find(':');
            if (colon == std::string_view::npos || colon == 0) {
                err << "uaudit_load: --header needs \"Name: value\", got '" << value << "'\n";
                return std::nullopt;
            }
            std::string_view field = value.substr(colon + 1);
            while (!field.empty() && (field.front() == ' ' || field.front() == '\t')) {
                field.remove_prefix(1);
            }
            options.headers.emplace_back(value.substr(0, colon), field);
        } else {
            err << "uaudit_load: unknown option '" << arg << "'. Run 'uaudit_load --help'.\n";
            return std::nullopt;
        }
    }
    if (!url) {
        err << "uaudit_load: --url is required. Run 'uaudit_load --help'.\n";
        return std::nullopt;
    }
    if (!parse_url(*url, options, err)) {
        return std::nullopt;
    }
    if (options.ca_file && options.insecure) {
        err << "uaudit_load: --cacert and --insecure exclude each other\n";
        return std::nullopt;
    }
    if ((connect_to || resolve) && options.proxy) {
        err << "uaudit_load: --connect-to and --resolve apply without --proxy only\n";
        return std::nullopt;
    }
    if (connect_to && resolve) {
        err << "uaudit_load: give --connect-to or --resolve, not both\n";
        return std::nullopt;
    }
    if (connect_to) {
        options.connect_to = parse_connect_to(*connect_to, options, err);
        if (!options.connect_to) {
            return std::nullopt;
        }
    }
    if (resolve) {
        // ADDR, [V6], ADDR:PORT or [V6]:PORT; without a port the URL's port is kept.
        std::string_view address = *resolve;
        if (address.starts_with('[') && address.ends_with(']')) {
            address = address.substr(1, address.size() - 2);
            options.connect_to = HostPort{std::string(address), options.port};
        } else if (address.find(':') == std::string_view::npos && !address.empty()) {
            options.connect_to = HostPort{std::string(address), options.port};
        } else {
            options.connect_to = parse_host_port(address);
        }
        if (!options.connect_to || options.connect_to->host.empty()) {
            err << "uaudit_load: --resolve needs ADDR, ADDR:PORT or [V6]:PORT, got '" << *resolve
                << "'\n";
            return std::nullopt;
        }
    }
    if (options.request_cap > 0 && !duration_given) {
        options.duration = std::chrono::seconds(60);  // a capped run is still bounded
    }
    return options;
}

}  // namespace uaudit::load
