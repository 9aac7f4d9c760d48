// HqServer: the acceptor, the connection caps and the threads. Sessions do
// the rest (Session.cpp).
#include "server/core/HqServer.hpp"

#include "server/core/Session.hpp"
#include "server/security/StationCertificateAuthority.hpp"

#include "protocol/TlsContext.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

namespace vigil::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// Connection counts, shared with every session (which may outlive Impl while
// the io_context's last handlers are destroyed).
struct ConnectionRegistry {
    std::mutex mutex;
    std::map<std::string, std::size_t> perAddress;
    std::size_t total = 0;
    std::map<std::uint64_t, std::weak_ptr<Session>> sessions;
    std::uint64_t nextId = 1;

    void release(const std::string& address) {
        std::lock_guard lock(mutex);
        if (auto it = perAddress.find(address); it != perAddress.end() && --it->second == 0) perAddress.erase(it);
        --total;
    }
};

struct HqServer::Impl {
    // First: the session environment below captures it.
    std::shared_ptr<ConnectionRegistry> registry = std::make_shared<ConnectionRegistry>();
    HqService& service;
    ServerConfig config;
    RequestHandlers handlers;
    asio::io_context io;
    // Mutual TLS (issue 7): declared before `tls`, which points at it.
    std::unique_ptr<security::StationCertificateAuthority> stations;
    asio::ssl::context tls;
    tcp::acceptor acceptor;
    asio::thread_pool workers;
    SessionEnvironment env;
    asio::steady_timer sessionCheck;
    std::vector<std::thread> threads;

    std::atomic<bool> stopped{false};

    Impl(HqService& s, const ServerConfig& c)
        : service(s),
          config(c),
          handlers(s),
          stations(c.require_station_certificates
                       ? std::make_unique<security::StationCertificateAuthority>(
                             c.stationCaDir() / "ca.pem", c.stationCaDir() / "ca-key.pem", c.stationRegistry())
                       : nullptr),
          tls(protocol::makeServerTlsContext({c.certificatePath(), c.privateKeyPath(),
                                              stations ? std::optional(c.stationCaDir() / "ca.pem") : std::nullopt})),
          acceptor(io),
          workers(c.worker_threads),
          env{s, handlers, config, workers,
              [r = registry](const std::string& address) { r->release(address); }},
          sessionCheck(io) {
        if (stations) stations->installVerifyHook(tls.native_handle());
        const tcp::endpoint endpoint(asio::ip::make_address(c.listen_address), c.port);
        acceptor.open(endpoint.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        error_code ec;
        acceptor.bind(endpoint, ec);
        if (ec)
            throw std::runtime_error("cannot listen on " + c.listen_address + ":" + std::to_string(c.port) + ": " +
                                     ec.message() + " (is another vigil-server running? choose another --port)");
        acceptor.listen(asio::socket_base::max_listen_connections);
        accept();
        scheduleSessionCheck();
        for (unsigned i = 0; i < c.io_threads; ++i) threads.emplace_back([this] { io.run(); });
    }

    void accept() {
        acceptor.async_accept(asio::make_strand(io), [this](error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || stopped) return;
            if (!ec) admit(std::move(socket));
            accept();
        });
    }

    // Changes made by another process (the command line) reach live sessions
    // here; changes made through this process's HqService close them at once.
    void scheduleSessionCheck() {
        sessionCheck.expires_after(std::chrono::milliseconds(std::max<std::uint32_t>(config.session_check_ms, 50)));
        sessionCheck.async_wait([this](error_code ec) {
            if (ec || stopped) return;
            asio::post(workers, [this] {
                checkSessions();
                asio::post(io, [this] {
                    if (!stopped) scheduleSessionCheck();
                });
            });
        });
    }

    void checkSessions() {
        try {
            service.revalidateSessions();
            service.applyRetentionIfDue();
            service.persistLoginFailures();
            if (stations)
                service.sessions().closeWhere([this](const SessionRegistry::Entry& e) -> std::optional<SessionEnd> {
                    if (e.info.station_certificate.empty() ||
                        stations->isActive(e.info.station_certificate, e.info.certificate_serial))
                        return std::nullopt;
                    return SessionEnd{protocol::ErrorCode::SessionExpired,
                                      "the certificate of station " + e.info.station_certificate + " was revoked"};
                });
        } catch (const std::exception& e) {
            std::cerr << "vigil-server: cannot check the live sessions: " << e.what() << "\n";
        }
    }

    void admit(tcp::socket socket) {
        error_code ec;
        const auto remote = socket.remote_endpoint(ec);
        if (ec) return;
        const std::string address = remote.address().to_string();
        std::shared_ptr<Session> session;
        {
            auto& r = *registry;
            std::lock_guard lock(r.mutex);
            auto& fromHere = r.perAddress[address];
            if (r.total >= config.max_connections || fromHere >= config.max_connections_per_address) {
                // Refused before TLS: a flood costs us an accept and a close.
                if (fromHere == 0) r.perAddress.erase(address);
                socket.close(ec);
                return;
            }
            ++fromHere;
            ++r.total;
            const auto id = r.nextId++;
            socket.set_option(tcp::no_delay(true), ec);
            session = std::make_shared<Session>(std::move(socket), tls, env, id, address);
            r.sessions[id] = session;
            if (r.sessions.size() > 2 * r.total + 64)  // forget sessions that ended
                std::erase_if(r.sessions, [](const auto& entry) { return entry.second.expired(); });
        }
        session->start();
    }

    void stop() {
        if (stopped.exchange(true)) return;
        asio::post(io, [this] {
            error_code ignored;
            acceptor.close(ignored);
            sessionCheck.cancel();
        });
        std::vector<std::shared_ptr<Session>> live;
        {
            std::lock_guard lock(registry->mutex);
            for (auto& [id, weak] : registry->sessions)
                if (auto s = weak.lock()) live.push_back(std::move(s));
        }
        for (auto& s : live) s->shutdown();
        live.clear();
        workers.join();  // requests in flight finish (their replies are dropped)
        io.stop();
        for (auto& t : threads) t.join();
        threads.clear();
    }
};

HqServer::HqServer(HqService& service, const ServerConfig& config) : impl_(std::make_unique<Impl>(service, config)) {}

HqServer::~HqServer() { stop(); }

std::uint16_t HqServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::size_t HqServer::connectionCount() const {
    std::lock_guard lock(impl_->registry->mutex);
    return impl_->registry->total;
}

void HqServer::stop() {
    if (impl_) impl_->stop();
}

}  // namespace vigil::server
