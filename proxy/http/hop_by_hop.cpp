#include "http/hop_by_hop.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include <string>
#include <vector>

namespace uaudit::http {

void remove_hop_by_hop(boost::beast::http::fields& fields) {
    namespace bh = boost::beast::http;
    std::vector<std::string> named;
    for (auto it = fields.find(bh::field::connection);
         it != fields.end() && it->name() == bh::field::connection; ++it) {
        for (const auto token : bh::token_list{it->value()}) {
            named.emplace_back(token);
        }
    }
    for (const auto& name : named) {
        const bh::field known = bh::string_to_field(name);
        if (known == bh::field::transfer_encoding || known == bh::field::content_length ||
            known == bh::field::host || known == bh::field::user_agent) {
            continue;
        }
        fields.erase(name);
    }
    for (const bh::field f :
         {bh::field::connection, bh::field::proxy_connection, bh::field::keep_alive, bh::field::te,
          bh::field::trailer, bh::field::upgrade, bh::field::proxy_authorization,
          bh::field::proxy_authenticate}) {
        fields.erase(f);
    }
}

}  // namespace uaudit::http
