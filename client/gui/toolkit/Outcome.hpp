#pragma once
// The answer to a call a window makes into its core: a value, or the typed
// refusal of the protocol (shown to the user with protocol::errorSentence).

#include "protocol/Messages.hpp"

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

}  // namespace vigil::gui
