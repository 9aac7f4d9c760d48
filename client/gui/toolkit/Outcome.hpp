#pragma once
// The answer to a call a window makes into its core: a value, or the typed
// refusal of the protocol (shown to the user with protocol::errorSentence).

#include "client/gui/toolkit/BackgroundTasks.hpp"
#include "protocol/Messages.hpp"

#include <chrono>
#include <future>
#include <optional>
#include <string>

namespace vigil::gui {

template <class T>
struct Outcome {
    std::optional<T> value;
    protocol::Error error;

    static Outcome success(T v) { return {std::move(v), {}}; }
    static Outcome failure(protocol::ErrorCode code, std::string text = {}) {
        return {std::nullopt, protocol::Error{code, std::move(text)}};
    }
    bool ok() const { return value.has_value(); }
    // "<sentence>" or "<sentence> (<detail>)".
    std::string message() const {
        std::string text(protocol::errorSentence(error.code));
        if (!error.text.empty()) text += " (" + error.text + ")";
        return text;
    }
};

// For calls that return nothing but success.
struct Done {};

// A window's call into its core that is in flight on the BackgroundTasks
// worker, and the last answer it gave. The frame loop calls collect() each
// frame; a call that threw becomes an Internal refusal shown to the user
// (a backend that throws is a bug behind the interface, not a reason to quit).
template <class T>
struct PendingCall {
    std::future<Outcome<T>> future;
    std::optional<Outcome<T>> last;

    bool busy() const { return future.valid(); }
    bool succeeded() const { return last && last->ok(); }
    // Moves a finished answer into `last`; true when one just arrived.
    bool collect() {
        if (!isReady(future)) return false;
        try {
            last = future.get();
        } catch (const std::exception& error) {
            last = Outcome<T>::failure(protocol::ErrorCode::Internal, error.what());
        }
        future = {};
        return true;
    }
};

}  // namespace vigil::gui
