#pragma once
// Runs a command line through /bin/sh and captures its stdout and exit code: the tests that
// exercise the real `uaudit` binary and real clients (curl, python3) use it.

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace uaudit::test {

struct ProcessResult {
    int exit_code = -1;
    std::string out;
};

inline ProcessResult run_process(const std::string& command) {
    ProcessResult result;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return result;
    }
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        result.out.append(buffer, n);
    }
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

/// Single-quotes `text` for /bin/sh.
inline std::string shell_quote(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

}  // namespace uaudit::test
