#pragma once
// A value or a typed refusal (protocol::Error): what every HqService
// operation returns, so the network, the console and the command line show
// the same sentence for the same refusal.

#include "protocol/Messages.hpp"

#include <optional>
#include <string>
#include <utility>

namespace vigil::server {

template <class T>
class Result {
public:
    Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
    Result(protocol::Error error) : error_(std::move(error)) {}  // NOLINT

    bool ok() const { return value_.has_value(); }
    explicit operator bool() const { return ok(); }
    T& operator*() { return *value_; }
    const T& operator*() const { return *value_; }
    T* operator->() { return &*value_; }
    const T* operator->() const { return &*value_; }
    const protocol::Error& error() const { return error_; }

private:
    std::optional<T> value_;
    protocol::Error error_;
};

inline protocol::Error refuse(protocol::ErrorCode code, std::string text) { return protocol::Error{code, std::move(text)}; }

}  // namespace vigil::server
