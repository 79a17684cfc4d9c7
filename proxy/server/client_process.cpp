#include "server/client_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <iterator>
#include <sstream>
#include <system_error>

namespace uaudit::server {
namespace {

// With plain read(2): a /proc file of a process that is exiting fails with ESRCH, which
// libstdc++'s filebuf turns into an exception (and on the finder's thread, a terminate).
std::string read_file(const std::filesystem::path& path) {
    std::string out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return out;
    }
    char chunk[4096];
    for (;;) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n <= 0 || out.size() > 16 * 1024 * 1024) {
            break;
        }
        out.append(chunk, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
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

namespace {

bool holds_socket(const std::filesystem::path& process_dir, const std::string& wanted) {
    std::error_code ec;
    for (const auto& fd : std::filesystem::directory_iterator(process_dir / "fd", ec)) {
        std::error_code link_ec;
        const auto target = std::filesystem::read_symlink(fd.path(), link_ec);
        if (!link_ec && target.native() == wanted) {
            return true;
        }
    }
    return false;
}

audit::ClientProcess describe(const std::filesystem::path& process_dir, std::int64_t pid) {
    audit::ClientProcess process;
    process.pid = pid;
    std::error_code exe_ec;
    const auto exe = std::filesystem::read_symlink(process_dir / "exe", exe_ec);
    const std::string cmdline = read_file(process_dir / "cmdline");
    process.exe =
        exe_ec ? base_name(cmdline.substr(0, cmdline.find('\0'))) : exe.filename().string();
    process.cmd = short_command(cmdline);
    return process;
}

constexpr std::size_t kRecentPids = 8;
constexpr std::size_t kMaxQueuedLookups = 1024;

}  // namespace

std::optional<std::uint64_t> query_socket_inode(const SocketEnds& ends) {
    const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) {
        return std::nullopt;
    }
    struct Request {
        nlmsghdr header;
        inet_diag_req_v2 body;
    } request{};
    request.header.nlmsg_len = sizeof(request);
    request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    request.header.nlmsg_flags = NLM_F_REQUEST;  // one exact socket, not a dump
    request.body.sdiag_family = static_cast<std::uint8_t>(ends.ipv6 ? AF_INET6 : AF_INET);
    request.body.sdiag_protocol = IPPROTO_TCP;
    request.body.idiag_states = ~0U;
    request.body.id.idiag_sport = htons(ends.client_port);
    request.body.id.idiag_dport = htons(ends.server_port);
    std::memcpy(request.body.id.idiag_src, ends.client_address.data(), ends.ipv6 ? 16 : 4);
    std::memcpy(request.body.id.idiag_dst, ends.server_address.data(), ends.ipv6 ? 16 : 4);
    request.body.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    request.body.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    const timeval wait_at_most{1, 0};  // the kernel answers at once; never hang the worker
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait_at_most, sizeof(wait_at_most));
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    std::optional<std::uint64_t> inode;
    if (::sendto(fd, &request, sizeof(request), 0, reinterpret_cast<sockaddr*>(&kernel),
                 sizeof(kernel)) == static_cast<ssize_t>(sizeof(request))) {
        alignas(nlmsghdr) char answer[8192];
        const ssize_t n = ::recv(fd, answer, sizeof(answer), 0);
        // NLMSG_OK / NLMSG_DATA spelled out: the macros use C casts.
        constexpr std::size_t header_size = (sizeof(nlmsghdr) + 3U) & ~std::size_t{3};
        nlmsghdr header{};
        if (n >= static_cast<ssize_t>(header_size + sizeof(inet_diag_msg))) {
            std::memcpy(&header, answer, sizeof(header));
            if (header.nlmsg_type == SOCK_DIAG_BY_FAMILY &&
                header.nlmsg_len >= header_size + sizeof(inet_diag_msg) &&
                header.nlmsg_len <= static_cast<std::size_t>(n)) {
                inet_diag_msg message{};
                std::memcpy(&message, answer + header_size, sizeof(message));
                if (message.idiag_inode != 0) {
                    inode = message.idiag_inode;
                }
            }
        }
    }
    ::close(fd);
    return inode;
}

namespace {

std::optional<audit::ClientProcess> find_owner(std::uint64_t inode,
                                               const std::filesystem::path& proc,
                                               const std::vector<std::int64_t>& likely_pids);

}  // namespace

std::optional<audit::ClientProcess> find_client_process(
    const SocketEnds& ends, const std::vector<std::int64_t>& likely_pids) {
    if (const auto inode = query_socket_inode(ends)) {
        return find_owner(*inode, "/proc", likely_pids);
    }
    return find_client_process(ends.client_port, ends.server_port, "/proc", likely_pids);
}

std::optional<audit::ClientProcess> find_client_process(
    std::uint16_t client_port, std::uint16_t server_port, const std::filesystem::path& proc,
    const std::vector<std::int64_t>& likely_pids) {
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
    return find_owner(*inode, proc, likely_pids);
}

namespace {

std::optional<audit::ClientProcess> find_owner(std::uint64_t inode,
                                               const std::filesystem::path& proc,
                                               const std::vector<std::int64_t>& likely_pids) {
    const std::string wanted = "socket:[" + std::to_string(inode) + "]";
    for (const auto pid : likely_pids) {
        const auto dir = proc / std::to_string(pid);
        if (holds_socket(dir, wanted)) {
            return describe(dir, pid);
        }
    }
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(proc, ec)) {
        const std::string name = entry.path().filename().string();
        std::int64_t pid = 0;
        const auto [end, pec] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (pec != std::errc{} || end != name.data() + name.size()) {
            continue;
        }
        if (holds_socket(entry.path(), wanted)) {
            return describe(entry.path(), pid);
        }
    }
    return std::nullopt;
}

}  // namespace

ClientProcessFinder::ClientProcessFinder(std::filesystem::path proc)
    : proc_(std::move(proc))
    , worker_([this] { run(); }) {}

ClientProcessFinder::~ClientProcessFinder() {
    stop();
}

void ClientProcessFinder::stop() {
    std::deque<Job> dropped;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        dropped.swap(jobs_);
    }
    wake_.notify_one();
    if (worker_.joinable()) {
        worker_.join();
    }
}

void ClientProcessFinder::find(const SocketEnds& ends, Callback done) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_ && jobs_.size() < kMaxQueuedLookups) {
            jobs_.push_back(Job{ends, std::move(done)});
            wake_.notify_one();
            return;
        }
    }
    done(std::nullopt);
}

void ClientProcessFinder::run() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) {
                return;
            }
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        std::optional<audit::ClientProcess> process;
        try {
            process = proc_ == "/proc"
                          ? find_client_process(job.ends, recent_pids_)
                          : find_client_process(job.ends.client_port, job.ends.server_port, proc_,
                                                recent_pids_);
        } catch (const std::exception&) {
            process.reset();  // /proc changing under the scan: the record says null
        }
        if (process) {
            std::erase(recent_pids_, process->pid);
            recent_pids_.insert(recent_pids_.begin(), process->pid);
            if (recent_pids_.size() > kRecentPids) {
                recent_pids_.pop_back();
            }
        }
        job.done(std::move(process));
    }
}

}  // namespace uaudit::server
