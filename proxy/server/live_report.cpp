#include "server/live_report.hpp"

namespace uaudit::server {

LiveReport::LiveReport(std::size_t max_rows)
    : aggregator_(report::AggregatorOptions{max_rows}) {}

void LiveReport::add(const audit::EventRecord& record) {
    std::lock_guard lock(mutex_);
    aggregator_.add(record);
}

report::Summary LiveReport::summarize() const {
    std::lock_guard lock(mutex_);
    return aggregator_.summarize();
}

}  // namespace uaudit::server
