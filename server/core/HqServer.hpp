#pragma once
// The network face of HqService: a TLS listener on its own io_context and
// thread pool, one Session per connection. Starting it binds the port;
// destroying it (or stop()) closes every connection and joins the threads.
// No Asio types in this header, so users do not compile Asio.

#include "server/core/HqService.hpp"
#include "server/core/ServerConfig.hpp"

#include <cstdint>
#include <memory>

namespace vigil::server {

class HqServer {
public:
    // Throws std::runtime_error with a sentence when the certificate or key
    // cannot be loaded or the address cannot be bound.
    HqServer(HqService& service, const ServerConfig& config);
    ~HqServer();
    HqServer(const HqServer&) = delete;
    HqServer& operator=(const HqServer&) = delete;

    std::uint16_t port() const;
    std::size_t connectionCount() const;
    void stop();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::server
