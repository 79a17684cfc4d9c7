#pragma once
// A table with a cap on its rows (SPEC §9): the first `max_rows` keys get a row each, every
// later key shares one `other` row, so the memory of a report does not grow with traffic.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace uaudit::report {

/// Hash for std::string keys that also accepts std::string_view, so lookups of a composite
/// key built in a scratch buffer do not allocate.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
        return std::hash<std::string_view>{}(text);
    }
};

template <class Key, class Row>
class BoundedTable {
    using Hash = std::conditional_t<std::is_same_v<Key, std::string>, StringHash, std::hash<Key>>;
    using Equal =
        std::conditional_t<std::is_same_v<Key, std::string>, std::equal_to<>, std::equal_to<Key>>;

public:
    using Map = std::unordered_map<Key, Row, Hash, Equal>;

    explicit BoundedTable(std::size_t max_rows)
        : max_rows_(max_rows) {}

    /// The row of `key`, made by `make()` the first time the key is seen while the table has
    /// room; once the table holds `max_rows` rows, every new key gets the shared `other` row.
    template <class LookupKey, class Make>
    Row& row(const LookupKey& key, Make&& make) {
        if (auto it = rows_.find(key); it != rows_.end()) {
            return it->second;
        }
        if (rows_.size() < max_rows_) {
            return rows_.emplace(Key(key), std::forward<Make>(make)()).first->second;
        }
        ++other_updates_;
        if (!other_) {
            other_.emplace();
        }
        return *other_;
    }

    const Map& rows() const { return rows_; }
    const std::optional<Row>& other() const { return other_; }
    /// How many updates went to the `other` row.
    std::uint64_t other_updates() const { return other_updates_; }
    std::size_t max_rows() const { return max_rows_; }

private:
    std::size_t max_rows_;
    Map rows_;
    std::optional<Row> other_;
    std::uint64_t other_updates_ = 0;
};

}  // namespace uaudit::report
