#pragma once
// A minimal synchronous Vigil client for tests that drive a real server over
// TLS: connect with the pinned CA, send envelopes, read frames. Errors are
// returned, never thrown, so a test can tell "server gone" from a bug.
#include "protocol/FrameCodec.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace vigil::test {

class WireClient {
public:
    // Connects and completes the TLS handshake; empty on failure.
    static std::unique_ptr<WireClient> connect(const std::string& host, std::uint16_t port,
                                               const std::filesystem::path& pinnedCa,
                                               const std::string& sourceAddress = {},
                                               const std::filesystem::path& clientCertificate = {},
                                               const std::filesystem::path& clientKey = {});
    ~WireClient();

    bool send(const protocol::Envelope& envelope);
    // Already-encoded frames, for floods.
    bool sendRaw(const std::vector<std::uint8_t>& frames);
    // The next frame from the server; empty when the connection ended or a
    // frame did not decode. Gives up after `timeout`.
    std::optional<protocol::Envelope> receive(std::chrono::milliseconds timeout = std::chrono::seconds(30));
    // After receive() returned nothing: true when the peer closed the
    // connection (EOF / reset), false when the wait timed out.
    bool endedByPeer() const { return endedByPeer_; }
    // Sends a request and returns the first reply with its request id.
    std::optional<protocol::Message> call(protocol::Message request,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(30));
    // Sends Hello and checks the answer.
    bool hello();

    struct Impl;

private:
    explicit WireClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    std::uint32_t nextRequestId_ = 1;
    bool endedByPeer_ = false;
};

}  // namespace vigil::test
