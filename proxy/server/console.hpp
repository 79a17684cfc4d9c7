#pragma once
// What `uaudit run` prints: a start banner saying where it listens and how to point a client
// at it, one summary line every 10 s while traffic flows, and a last line at stop naming the
// event log and the exit reports written.

#include "server/metrics.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <vector>

namespace uaudit::server {

struct ServerState;

void print_banner(std::ostream& out, const ServerState& state, const std::filesystem::path& events,
                  std::optional<std::uint16_t> admin_port);
void print_summary_line(std::ostream& out, const MetricsSnapshot& now,
                        const MetricsSnapshot& before);
void print_stop(std::ostream& out, const MetricsSnapshot& totals,
                const std::filesystem::path& events,
                const std::vector<std::filesystem::path>& reports = {});

}  // namespace uaudit::server
