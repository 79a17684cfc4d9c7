#include "server/client_process.hpp"

#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

namespace uaudit::server {
namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// "0100007F:1F90" -> 0x1F90
std::optional<std::uint16_t> port_of(std::string_view address) {
    const auto colon = address.rfind(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    unsigned value = 0;
    const auto text = address.substr(colon + 1);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    if (ec != std::errc{} || end != text.data() + text.size() || value > 0xffff) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

std::string base_name(std::string_view path) {
    const auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

std::optional<std::uint64_t> find_socket_inode(std::string_view table, std::uint16_t local_port,
                                               std::uint16_t remote_port) {
    std::istringstream lines{std::string(table)};
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string sl, local, remote, state, queues, timer, retransmit, uid, timeout, inode;
        if (!(fields >> sl >> local >> remote >> state >> queues >> timer >> retransmit >> uid >>
              timeout >> inode)) {
            continue;
        }
        if (port_of(local) != local_port || port_of(remote) != remote_port) {
            continue;
        }
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(inode.data(), inode.data() + inode.size(), value);
        if (ec == std::errc{} && value != 0) {
            return value;
        }
    }
    return std::nullopt;
}

std::string short_command(std::string_view cmdline) {
    std::string_view exe = cmdline.substr(0, cmdline.find('\0'));
    std::string out = base_name(exe);
    if (exe.size() < cmdline.size()) {
        std::string_view rest = cmdline.substr(exe.size() + 1);
        const std::string_view first = rest.substr(0, rest.find('\0'));
        if (!first.empty()) {
            out.append(" ").append(first);
        }
    }
    return out;
}

std::optional<audit::ClientProcess> find_client_process(std::uint16_t client_port,
                                                        std::uint16_t server_port,
                                                        const std::filesystem::path& proc) {
    std::optional<std::uint64_t> inode;
    for (const char* table : {"net/tcp", "net/tcp6"}) {
        inode = find_socket_inode(read_file(proc / table), client_port, server_port);
        if (inode) {
            break;
        }
    }
    if (!inode) {
        return std::nullopt;
    }
    const std::string wanted = "socket:[" + std::to_string(*inode) + "]";
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(proc, ec)) {
        const std::string name = entry.path().filename().string();
        std::int64_t pid = 0;
        const auto [end, pec] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (pec != std::errc{} || end != name.data() + name.size()) {
            continue;
        }
        std::error_code fd_ec;
        for (const auto& fd : std::filesystem::directory_iterator(entry.path() / "fd", fd_ec)) {
            std::error_code link_ec;
            const auto target = std::filesystem::read_symlink(fd.path(), link_ec);
            if (link_ec || target.string() != wanted) {
                continue;
            }
            audit::ClientProcess process;
            process.pid = pid;
            std::error_code exe_ec;
            const auto exe = std::filesystem::read_symlink(entry.path() / "exe", exe_ec);
            const std::string cmdline = read_file(entry.path() / "cmdline");
            process.exe =
                exe_ec ? base_name(cmdline.substr(0, cmdline.find('\0'))) : exe.filename().string();
            process.cmd = short_command(cmdline);
            return process;
        }
    }
    return std::nullopt;
}

}  // namespace uaudit::server
