#include "server/core/DataKey.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace vigil::server {

crypto::Key256 loadOrCreateDataKey(const std::filesystem::path& file) {
    namespace fs = std::filesystem;
    if (!fs::exists(file)) {
        const auto key = crypto::randomKey();
        const std::string hex = crypto::toHex(key) + "\n";
        // O_EXCL: two processes starting at once never both write a key.
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            const bool written = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) &&
                                 ::fsync(fd) == 0;
            ::close(fd);
            if (!written) throw std::runtime_error("cannot write the data key " + file.string());
            return key;
        }
        if (errno != EEXIST) throw std::runtime_error("cannot create the data key " + file.string());
    }
    const auto perms = fs::status(file).permissions();
    if ((perms & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none)
        throw std::runtime_error("the data key " + file.string() +
                                 " is readable by other users; run: chmod 600 " + file.string());
    std::ifstream in(file);
    std::string hex;
    in >> hex;
    const auto bytes = crypto::fromHex(hex);
    if (!bytes || bytes->size() != 32)
        throw std::runtime_error("the data key " + file.string() + " is malformed (expected 64 hex digits)");
    crypto::Key256 key{};
    std::copy(bytes->begin(), bytes->end(), key.begin());
    return key;
}

}  // namespace vigil::server
