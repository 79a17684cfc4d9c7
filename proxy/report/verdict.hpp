#pragma once
// The certification verdict of SPEC §9 and the reasons that led to it.

#include "report/summary.hpp"

namespace uaudit::report {

/// PASS: at least one in-scope request, none noncompliant, no warning, nothing unseen.
/// WARN: none noncompliant, but warnings (UA008, UA013, UA100 ...) or in-scope calls that
///       were not seen (TLS rejections, blind tunnels or refused requests to in-scope hosts).
/// FAIL: any noncompliant request. NO-DATA: no in-scope request at all.
/// Reads every field of `summary` but `judgement`.
Judgement judge(const Summary& summary);

}  // namespace uaudit::report
