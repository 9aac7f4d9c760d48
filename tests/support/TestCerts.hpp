#pragma once
// Test TLS material: a fresh CA + server certificate made by the project's own
// tools/gen-certs into a temporary folder.

#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>

namespace vigil::test {

struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& tag) {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() /
               ("vigil-test-" + tag + "-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

struct TestCerts {
    std::filesystem::path dir;
    std::filesystem::path ca() const { return dir / "ca.pem"; }
    std::filesystem::path cert() const { return dir / "server.pem"; }
    std::filesystem::path key() const { return dir / "server-key.pem"; }
};

inline TestCerts makeTestCerts(const std::filesystem::path& dir) {
    const std::string cmd = std::string("\"") + VIGIL_SOURCE_DIR + "/tools/gen-certs\" --out \"" +
                            dir.string() + "\" >/dev/null";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("tools/gen-certs failed");
    return TestCerts{dir};
}

}  // namespace vigil::test
