#include "server/security/AtomicFile.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <fstream>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace vigil::server::security {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& file) {
    throw std::system_error(errno, std::generic_category(), what + " " + file.string());
}

// Closes the descriptor and removes the temporary unless committed.
class TemporaryFile {
public:
    TemporaryFile(const std::filesystem::path& target, mode_t mode) {
        path_ = target;
        path_ += ".tmp-XXXXXX";
        std::string pattern = path_.string();
        fd_ = ::mkstemp(pattern.data());
        if (fd_ < 0) fail("cannot create a temporary file next to", target);
        path_ = pattern;
        if (::fchmod(fd_, mode) != 0) fail("cannot set the mode of", path_);
    }
    ~TemporaryFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!committed_) ::unlink(path_.c_str());
    }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;

    void write(std::string_view content) {
        while (!content.empty()) {
            const ssize_t n = ::write(fd_, content.data(), content.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail("cannot write", path_);
            content.remove_prefix(static_cast<std::size_t>(n));
        }
        if (::fsync(fd_) != 0) fail("cannot fsync", path_);
        if (::close(fd_) != 0) {
            fd_ = -1;
            fail("cannot close", path_);
        }
        fd_ = -1;
    }
    // false when the target exists already.
    bool linkAs(const std::filesystem::path& target) {
        if (::link(path_.c_str(), target.c_str()) == 0) return true;
        if (errno == EEXIST) return false;
        fail("cannot create", target);
    }
    void renameOver(const std::filesystem::path& target) {
        if (::rename(path_.c_str(), target.c_str()) != 0) fail("cannot rename over", target);
        committed_ = true;
    }

private:
    std::filesystem::path path_;
    int fd_ = -1;
    bool committed_ = false;
};

// The rename itself is only durable once the directory entry is on disk.
void fsyncDirectory(const std::filesystem::path& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail("cannot open directory", dir);
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) fail("cannot fsync directory", dir);
}

}  // namespace

void writeFileAtomically(const std::filesystem::path& target, std::string_view content,
                         mode_t mode) {
    TemporaryFile temp(target, mode);
    temp.write(content);
    temp.renameOver(target);
    fsyncDirectory(target.parent_path());
}

bool publishFileExclusively(const std::filesystem::path& target, std::string_view content, mode_t mode) {
    TemporaryFile temp(target, mode);  // removed on scope exit: the link keeps the data
    temp.write(content);
    if (!temp.linkAs(target)) return false;
    fsyncDirectory(target.parent_path());
    return true;
}

std::string readWholeFile(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) fail("cannot read", file);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

}  // namespace vigil::server::security
