#include "client/core/AtRestKey.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace vigil::client {
namespace fs = std::filesystem;
namespace {

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

[[noreturn]] void fail(const std::string& what, const fs::path& file) {
    throw std::runtime_error(what + " " + file.string() + ": " + std::strerror(errno));
}

}  // namespace

void writeFileAtomically(const fs::path& file, std::span<const std::uint8_t> bytes,
                         fs::perms mode) {
    const fs::path temp = file.string() + ".tmp";
    {
        Fd out{::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                      static_cast<mode_t>(mode))};
        if (out.fd < 0) fail("cannot create", temp);
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(out.fd, bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail("cannot write", temp);
            done += static_cast<std::size_t>(n);
        }
        if (::fsync(out.fd) != 0) fail("cannot flush", temp);
    }
    if (::rename(temp.c_str(), file.c_str()) != 0) fail("cannot replace", file);
    const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
    Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (d.fd >= 0) ::fsync(d.fd);  // makes the rename itself durable
}

crypto::Key256 loadOrCreateAtRestKey(const fs::path& keyFile) {
    crypto::Key256 key{};
    struct stat st {};
    if (::stat(keyFile.c_str(), &st) == 0) {
        if ((st.st_mode & 077) != 0)
            throw std::runtime_error("the station key " + keyFile.string() +
                                     " is readable by other users; fix with: chmod 600 " +
                                     keyFile.string());
        std::ifstream in(keyFile, std::ios::binary);
        std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (raw.size() != key.size())
            throw std::runtime_error("the station key " + keyFile.string() + " is damaged (" +
                                     std::to_string(raw.size()) + " bytes, expected 32)");
        std::memcpy(key.data(), raw.data(), key.size());
        return key;
    }
    if (keyFile.has_parent_path()) {
        fs::create_directories(keyFile.parent_path());
        fs::permissions(keyFile.parent_path(), fs::perms::owner_all);
    }
    key = crypto::randomKey();
    writeFileAtomically(keyFile, key);
    return key;
}

}  // namespace vigil::client
