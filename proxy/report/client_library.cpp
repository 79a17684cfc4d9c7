#include "report/client_library.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace uaudit::report {
namespace {

struct Recipe {
    std::string_view id;
    std::string_view name;
    std::string_view language;
    std::string_view snippet;  // "@UA@" stands for the header value, inside a string literal
};

// Every snippet sets the whole header, so nothing but the MdePartner token is sent (extra
// tokens after it would be UA008). The Azure SDKs append their own telemetry through a
// per-call policy: a per-retry policy runs after it and replaces the value.
constexpr std::array recipes{
    Recipe{"azure-sdk-python", "Azure SDK for Python (azure-core)", "python",
           "from azure.core.pipeline.policies import UserAgentPolicy\n\n"
           "client = SomeClient(endpoint, credential,\n"
           "                    user_agent_policy=UserAgentPolicy(base_user_agent=\"@UA@\"))\n"},
    Recipe{"azure-sdk-js", "Azure SDK for JavaScript (@azure/core-rest-pipeline)", "javascript",
           "const client = new SomeClient(endpoint, credential, {\n"
           "  additionalPolicies: [{\n"
           "    position: \"perRetry\",\n"
           "    policy: {\n"
           "      name: \"mdePartnerUserAgent\",\n"
           "      sendRequest: (request, next) => {\n"
           "        request.headers.set(\"User-Agent\", \"@UA@\");\n"
           "        return next(request);\n"
           "      },\n"
           "    },\n"
           "  }],\n"
           "});\n"},
    Recipe{"azure-sdk-go", "Azure SDK for Go (azcore)", "go",
           "type mdePartnerUA struct{}\n\n"
           "func (mdePartnerUA) Do(req *policy.Request) (*http.Response, error) {\n"
           "\treq.Raw().Header.Set(\"User-Agent\", \"@UA@\")\n"
           "\treturn req.Next()\n"
           "}\n\n"
           "opts := policy.ClientOptions{PerRetryPolicies: []policy.Policy{mdePartnerUA{}}}\n"},
    Recipe{"azure-sdk-java", "Azure SDK for Java (azure-core)", "java",
           "// on the client builder; added policies run per retry, after the SDK's own\n"
           "builder.addPolicy((context, next) -> {\n"
           "    context.getHttpRequest().setHeader(HttpHeaderName.USER_AGENT, \"@UA@\");\n"
           "    return next.process();\n"
           "});\n"},
    Recipe{"azure-sdk-net", "Azure SDK for .NET (Azure.Core)", "csharp",
           "// Diagnostics.ApplicationId is limited to 24 characters: set the header in a policy\n"
           "sealed class MdePartnerUserAgent : HttpPipelineSynchronousPolicy\n"
           "{\n"
           "    public override void OnSendingRequest(HttpMessage message) =>\n"
           "        message.Request.Headers.SetValue(\"User-Agent\", \"@UA@\");\n"
           "}\n\n"
           "options.AddPolicy(new MdePartnerUserAgent(), HttpPipelinePosition.PerRetry);\n"},
    Recipe{"powershell", "PowerShell Invoke-RestMethod / Invoke-WebRequest", "powershell",
           "Invoke-RestMethod -Uri $uri -Headers $headers -UserAgent '@UA@'\n"
           "# or once for every call of the session:\n"
           "$PSDefaultParameterValues['Invoke-RestMethod:UserAgent'] = '@UA@'\n"
           "$PSDefaultParameterValues['Invoke-WebRequest:UserAgent'] = '@UA@'\n"},
    Recipe{"python-requests", "Python requests", "python",
           "session = requests.Session()\n"
           "session.headers[\"User-Agent\"] = \"@UA@\"  # every request of the session\n"},
    Recipe{"python-httpx", "Python httpx", "python",
           "client = httpx.Client(headers={\"User-Agent\": \"@UA@\"})\n"},
    Recipe{"python-aiohttp", "Python aiohttp", "python",
           "session = aiohttp.ClientSession(headers={\"User-Agent\": \"@UA@\"})\n"},
    Recipe{"python-urllib", "Python urllib", "python",
           "request = urllib.request.Request(url, headers={\"User-Agent\": \"@UA@\"})\n"},
    Recipe{"go-http-client", "Go net/http", "go",
           "req, err := http.NewRequest(http.MethodGet, url, nil)\n"
           "if err != nil {\n"
           "\treturn err\n"
           "}\n"
           "req.Header.Set(\"User-Agent\", \"@UA@\") // on every request before client.Do(req)\n"},
    Recipe{"curl", "curl", "shell",
           "curl -A '@UA@' \"$url\"\n"
           "# or in ~/.curlrc:  user-agent = \"@UA@\"\n"},
    Recipe{"java-httpclient", "Java HttpClient (java.net.http)", "java",
           "HttpRequest request = HttpRequest.newBuilder(uri)\n"
           "        .header(\"User-Agent\", \"@UA@\")\n"
           "        .build();\n"},
    Recipe{"apache-httpclient", "Apache HttpClient", "java",
           "CloseableHttpClient client = HttpClients.custom()\n"
           "        .setUserAgent(\"@UA@\")\n"
           "        .build();\n"},
    Recipe{"okhttp", "OkHttp", "java",
           "OkHttpClient client = new OkHttpClient.Builder()\n"
           "        .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()\n"
           "                .header(\"User-Agent\", \"@UA@\")\n"
           "                .build()))\n"
           "        .build();\n"},
    Recipe{"java-urlconnection", "Java HttpURLConnection", "java",
           "connection.setRequestProperty(\"User-Agent\", \"@UA@\");\n"},
    Recipe{"node-axios", "Node.js axios", "javascript",
           "const api = axios.create({ headers: { \"User-Agent\": \"@UA@\" } });\n"},
    Recipe{"node-got", "Node.js got", "javascript",
           "const api = got.extend({ headers: { \"user-agent\": \"@UA@\" } });\n"},
    Recipe{"node-fetch", "Node.js fetch (undici / node-fetch)", "javascript",
           "const response = await fetch(url, { headers: { \"User-Agent\": \"@UA@\" } });\n"},
    Recipe{"dotnet-httpclient", ".NET HttpClient", "csharp",
           "// HttpClient sends no User-Agent by default\n"
           "var client = new HttpClient();\n"
           "client.DefaultRequestHeaders.UserAgent.ParseAdd(\"@UA@\");\n"},
};

struct Pattern {
    std::string_view needle;  // lower-case
    bool at_start = false;    // else anywhere
    bool whole = false;       // the whole value
    std::string_view recipe;
};

// Most specific first: Azure SDKs name the platform library after their own token.
constexpr std::array patterns{
    Pattern{"azsdk-python-", false, false, "azure-sdk-python"},
    Pattern{"azsdk-js-", false, false, "azure-sdk-js"},
    Pattern{"azsdk-go-", false, false, "azure-sdk-go"},
    Pattern{"azsdk-java-", false, false, "azure-sdk-java"},
    Pattern{"azsdk-net-", false, false, "azure-sdk-net"},
    Pattern{"powershell/", false, false, "powershell"},  // also WindowsPowerShell/5.1
    Pattern{"python-requests/", false, false, "python-requests"},
    Pattern{"python-httpx/", false, false, "python-httpx"},
    Pattern{"aiohttp/", false, false, "python-aiohttp"},
    Pattern{"python-urllib/", false, false, "python-urllib"},
    Pattern{"go-http-client/", false, false, "go-http-client"},
    Pattern{"curl/", true, false, "curl"},
    Pattern{"java-http-client/", false, false, "java-httpclient"},
    Pattern{"apache-httpclient/", false, false, "apache-httpclient"},
    Pattern{"okhttp/", false, false, "okhttp"},
    Pattern{"java/", true, false, "java-urlconnection"},
    Pattern{"axios/", false, false, "node-axios"},
    Pattern{"got (", true, false, "node-got"},
    Pattern{"got/", true, false, "node-got"},
    Pattern{"node-fetch", false, false, "node-fetch"},
    Pattern{"undici", true, false, "node-fetch"},
    Pattern{"node", false, true, "node-fetch"},
};

// With no header, the process that made the call is the only hint.
struct ProcessHint {
    std::string_view exe_prefix;  // lower-case
    std::string_view recipe;
};

constexpr std::array process_hints{
    ProcessHint{"dotnet", "dotnet-httpclient"},
    ProcessHint{"pwsh", "powershell"},
    ProcessHint{"powershell", "powershell"},
    ProcessHint{"python", "python-requests"},
    ProcessHint{"node", "node-fetch"},
    ProcessHint{"java", "java-httpclient"},
    ProcessHint{"curl", "curl"},
};

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The value inside a double- or single-quoted literal of any of the snippet languages.
std::string literal_text(std::string_view value) {
    std::string out;
    for (const char c : value) {
        if (c == '"' || c == '\\' || c == '\'' || c == '`' || c == '$') {
            continue;  // never part of a compliant header; dropping them keeps literals intact
        }
        out += c;
    }
    return out;
}

std::optional<ClientLibrary> make(std::string_view id, bool from_process,
                                  std::string_view expected) {
    const auto* recipe =
        std::find_if(recipes.begin(), recipes.end(), [&](const Recipe& r) { return r.id == id; });
    if (recipe == recipes.end()) {
        return std::nullopt;
    }
    const std::string value = literal_text(expected);
    std::string snippet;
    const std::string_view marker = "@UA@";
    std::string_view rest = recipe->snippet;
    for (auto at = rest.find(marker); at != std::string_view::npos; at = rest.find(marker)) {
        snippet.append(rest.substr(0, at)).append(value);
        rest.remove_prefix(at + marker.size());
    }
    snippet.append(rest);
    return ClientLibrary{std::string(recipe->id), std::string(recipe->name),
                         std::string(recipe->language), from_process, std::move(snippet)};
}

}  // namespace

std::optional<ClientLibrary> recognize_client_library(const std::optional<std::string>& ua,
                                                      std::string_view process_exe,
                                                      std::string_view expected) {
    if (ua) {
        const std::string value = lower(*ua);
        for (const auto& pattern : patterns) {
            const bool hit = pattern.whole      ? value == pattern.needle
                             : pattern.at_start ? value.starts_with(pattern.needle)
                                                : value.find(pattern.needle) != std::string::npos;
            if (hit) {
                return make(pattern.recipe, false, expected);
            }
        }
        return std::nullopt;
    }
    const std::string exe = lower(process_exe);
    for (const auto& hint : process_hints) {
        if (!exe.empty() && exe.starts_with(hint.exe_prefix)) {
            return make(hint.recipe, true, expected);
        }
    }
    return std::nullopt;
}

}  // namespace uaudit::report
