#pragma once
// A minimal HTTP/1.0 server on 127.0.0.1:<ephemeral port> for tests that need
// a real HTTP peer (the map's tile fetcher). Each connection gets one answer
// from the handler and is closed. Real sockets, no mocks.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

namespace vigil::test {

struct HttpAnswer {
    int status = 200;
    std::string content_type = "image/png";
    std::string body;
};

class TinyHttpServer {
public:
    using Handler = std::function<HttpAnswer(const std::string& path)>;

    explicit TinyHttpServer(Handler handler) : handler_(std::move(handler)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (listener_ < 0) throw std::runtime_error("socket failed");
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(listener_, 16) != 0)
            throw std::runtime_error("bind/listen failed");
        socklen_t length = sizeof address;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }

    ~TinyHttpServer() {
        stopping_ = true;
        ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
        thread_.join();
        ::close(listener_);
    }

    int port() const { return port_; }
    int requests() const { return requests_.load(); }
    std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
    void serve() {
        while (!stopping_) {
            const int client = ::accept(listener_, nullptr, nullptr);
            if (client < 0) return;
            std::string request;
            char buffer[2048];
            while (request.find("\r\n\r\n") == std::string::npos && request.size() < 16384) {
                const ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
                if (got <= 0) break;
                request.append(buffer, static_cast<std::size_t>(got));
            }
            ++requests_;
            std::string path;
            if (const auto space = request.find(' '); space != std::string::npos)
                path = request.substr(space + 1, request.find(' ', space + 1) - space - 1);
            const HttpAnswer answer = handler_(path);
            const std::string response =
                "HTTP/1.0 " + std::to_string(answer.status) + " X\r\nContent-Type: " +
                answer.content_type + "\r\nContent-Length: " + std::to_string(answer.body.size()) +
                "\r\nConnection: close\r\n\r\n" + answer.body;
            std::size_t sent = 0;
            while (sent < response.size()) {
                const ssize_t wrote = ::send(client, response.data() + sent, response.size() - sent,
                                             MSG_NOSIGNAL);
                if (wrote <= 0) break;
                sent += static_cast<std::size_t>(wrote);
            }
            ::close(client);
        }
    }

    Handler handler_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> requests_{0};
    std::thread thread_;
};

}  // namespace vigil::test
