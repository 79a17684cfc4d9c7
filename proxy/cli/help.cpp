#include "cli/help.hpp"

namespace uaudit::cli {

std::string_view usage_text() {
    return R"(uaudit - audits the MdePartner User-Agent of Microsoft Defender for Endpoint API calls

Usage:
  uaudit run [-c FILE] [--listen H:P] [--admin H:P] [--mode audit|rewrite|enforce] [--data-dir DIR]
  uaudit check [-c FILE] [--company C] [--product P] [--version V] [--strict]
               [--version-format semver|dotted|token] [--json] [UA ...]
  uaudit report --events FILE [FILE ...] [--format json|md|html|junit|csv] [-o OUT]
  uaudit ca init [--force] | ca show | ca export      [-c FILE | --data-dir DIR]
  uaudit config check FILE | config default
  uaudit --version | --help | CMD --help
)";
}

std::string_view check_help_text() {
    return R"(Usage: uaudit check [options] [UA ...]

Validates User-Agent strings against the MdePartner rules (UA001-UA014). Each argument is one
header value ("" is a present but empty header); without arguments, one value per line is read
from stdin (CR stripped, blank lines skipped).

Options:
  -c FILE                 use the identity and rules of this configuration file
  --company C             the company the token must name (case-sensitive)
  --product P             the product the token must name (case-sensitive)
  --version V             the version it must carry (exact, or a glob such as "1.*")
  --strict                the header must be exactly the MdePartner token (UA008 is an error)
  --version-format F      semver (default) | dotted | token
  --json                  print one JSON array instead of text

Exit codes: 0 all compliant, 1 any noncompliant, 2 usage error.
)";
}

std::string_view config_help_text() {
    return R"(Usage: uaudit config check FILE
       uaudit config default

check    validates FILE (every error with file:line:column and key) and checks that the
         files it reads exist; exit 0 valid, 2 invalid
default  prints the embedded default configuration (a valid starting point)
)";
}

}  // namespace uaudit::cli
