#pragma once
// Which HTTP client library a User-Agent most likely comes from, and how to set the compliant
// header in it (SPEC §9): what a partner engineer needs to fix a noncompliant call.

#include <optional>
#include <string>
#include <string_view>

namespace uaudit::report {

struct ClientLibrary {
    std::string id;             // stable key: "python-requests", "azure-sdk-go", ...
    std::string name;           // for people: "Python requests"
    std::string language;       // of the snippet: "python", "go", "csharp", "powershell", "shell",
                                // "java", "javascript"
    bool from_process = false;  // guessed from the client process, not from the header
    std::string snippet;        // sets `User-Agent` to the expected value in that library
};

/// The library a User-Agent value comes from, or nullopt when it is not recognized. With no
/// header at all (`ua` nullopt), `process_exe` (the client process's executable) is the
/// hint: `dotnet` (.NET HttpClient sends no User-Agent by default), `pwsh`, `python3`...
/// `expected` is the header value the snippet sets. Pure; never throws.
std::optional<ClientLibrary> recognize_client_library(const std::optional<std::string>& ua,
                                                      std::string_view process_exe,
                                                      std::string_view expected);

}  // namespace uaudit::report
