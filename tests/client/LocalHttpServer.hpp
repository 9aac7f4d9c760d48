#pragma once
// A real HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for tests of the
// station's Nominatim client: it answers with whatever the test scripts,
// records every request with its arrival time, and can hang on purpose.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace vigil::test {

struct HttpReply {
    int status = 200;
    std::string body;
    bool hang = false;  // never answer (until the server stops)
};

struct HttpRequestSeen {
    std::string target;
    std::string userAgent;
    std::chrono::steady_clock::time_point at;
};

class LocalHttpServer {
public:
    using Handler = std::function<HttpReply(const std::string& target)>;

    explicit LocalHttpServer(Handler handler) : handler_(std::move(handler)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 16) != 0)
            throw std::runtime_error("cannot listen on loopback");
        socklen_t len = sizeof addr;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~LocalHttpServer() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        released_.notify_all();
        ::shutdown(listener_, SHUT_RDWR);
        thread_.join();
        ::close(listener_);
    }

    std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<HttpRequestSeen> requests() const {
        std::lock_guard lock(mutex_);
        return seen_;
    }

private:
    void serve() {
        for (;;) {
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 100) < 0) return;
            {
                std::lock_guard lock(mutex_);
                if (stopping_) return;
            }
            if (!(p.revents & POLLIN)) continue;
            const int client = ::accept(listener_, nullptr, nullptr);
            if (client < 0) continue;
            handle(client);
            ::close(client);
        }
    }

    void handle(int client) {
        std::string request;
        char buffer[2048];
        while (request.find("\r\n\r\n") == std::string::npos) {
            const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
            if (n <= 0) return;
            request.append(buffer, static_cast<std::size_t>(n));
        }
        const auto firstSpace = request.find(' ');
        const auto secondSpace = request.find(' ', firstSpace + 1);
        HttpRequestSeen seen{request.substr(firstSpace + 1, secondSpace - firstSpace - 1), {},
                             std::chrono::steady_clock::now()};
        if (auto ua = request.find("User-Agent: "); ua != std::string::npos)
            seen.userAgent = request.substr(ua + 12, request.find("\r\n", ua) - ua - 12);
        {
            std::lock_guard lock(mutex_);
            seen_.push_back(seen);
        }
        const HttpReply reply = handler_(seen.target);
        if (reply.hang) {
            std::unique_lock lock(mutex_);
            released_.wait(lock, [&] { return stopping_; });
            return;
        }
        const std::string text = reply.status == 200 ? "OK" : "Internal Server Error";
        const std::string response = "HTTP/1.1 " + std::to_string(reply.status) + " " + text +
                                     "\r\nContent-Type: application/json\r\nContent-Length: " +
                                     std::to_string(reply.body.size()) + "\r\nConnection: close\r\n\r\n" +
                                     reply.body;
        ::send(client, response.data(), response.size(), MSG_NOSIGNAL);
    }

    Handler handler_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::condition_variable released_;
    bool stopping_ = false;
    std::vector<HttpRequestSeen> seen_;
};

}  // namespace vigil::test
