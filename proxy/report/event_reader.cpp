#include "report/event_reader.hpp"

#include <algorithm>
#include <array>

namespace uaudit::report {
namespace {

bool blank(std::string_view line) {
    return std::all_of(line.begin(), line.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

class LineHandler {
public:
    LineHandler(const RecordSink& sink, const ReadOptions& options, ReadResult& result)
        : sink_(sink)
        , options_(options)
        , result_(result) {}

    // False once the read must stop.
    bool handle(std::string_view line) {
        ++number_;
        if (blank(line)) {
            return true;
        }
        ++result_.lines;
        auto parsed = audit::parse_event_line(line);
        switch (parsed.status) {
            case audit::ParseStatus::ok:
                ++result_.records;
                sink_(*parsed.record);
                return true;
            case audit::ParseStatus::unknown_kind:
                ++result_.unknown_kind;
                return true;
            case audit::ParseStatus::unsupported_version:
                result_.unsupported_version = LineProblem{number_, std::move(parsed.message)};
                return false;
            case audit::ParseStatus::malformed:
                malformed(std::move(parsed.message));
                return true;
        }
        return true;
    }

    void too_long() {
        ++number_;
        ++result_.lines;
        malformed("line longer than " + std::to_string(options_.max_line_bytes) + " bytes");
    }

private:
    void malformed(std::string message) {
        ++result_.malformed;
        if (result_.first_malformed.size() < options_.keep_problems) {
            result_.first_malformed.push_back(LineProblem{number_, std::move(message)});
        }
    }

    const RecordSink& sink_;
    const ReadOptions& options_;
    ReadResult& result_;
    std::uint64_t number_ = 0;
};

}  // namespace

ReadResult read_event_log(std::istream& in, const RecordSink& sink, const ReadOptions& options) {
    ReadResult result;
    LineHandler handler(sink, options, result);
    std::array<char, 1 << 16> chunk{};
    std::string pending;    // the start of a line that continues in the next chunk
    bool skipping = false;  // inside a line already counted as too long
    for (;;) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0) {
            break;
        }
        std::string_view data(chunk.data(), got);
        while (!data.empty()) {
            const auto newline = data.find('\n');
            const std::string_view piece = data.substr(0, newline);
            const bool complete = newline != std::string_view::npos;
            data.remove_prefix(complete ? newline + 1 : data.size());
            if (skipping) {
                skipping = !complete;
                continue;
            }
            if (pending.size() + piece.size() > options.max_line_bytes) {
                pending.clear();
                handler.too_long();
                skipping = !complete;
                continue;
            }
            if (!complete) {
                pending.append(piece);
                continue;
            }
            bool go_on = true;
            if (pending.empty()) {
                go_on = handler.handle(piece);
            } else {
                pending.append(piece);
                go_on = handler.handle(pending);
                pending.clear();
            }
            if (!go_on) {
                return result;
            }
        }
    }
    if (in.bad()) {
        result.read_error = true;
    }
    if (!pending.empty()) {
        handler.handle(pending);  // a last line without its newline (a crash mid-write)
    }
    return result;
}

}  // namespace uaudit::report
