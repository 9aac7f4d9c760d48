#pragma once
// What the server needs from a recognition engine to enrol a wanted person's
// photo: a quality verdict with a sentence, the 128-d descriptor, and the
// fingerprint of the model that made it (stations refuse descriptors of a
// model they do not run).

#include "protocol/WireTypes.hpp"

#include <mutex>
#include <span>
#include <string>

namespace vigil::server {

struct EnrolmentVerdict {
    bool accepted = false;
    std::string sentence;  // why not, for the operator ("no face found in the photo")
    protocol::Descriptor descriptor{};
    float quality = 0;     // 0..1, higher is better
};

class FaceEnroller {
public:
    virtual ~FaceEnroller() = default;
    // JPEG or PNG bytes. Must be safe to call from several threads.
    virtual EnrolmentVerdict enrol(std::span<const std::uint8_t> encodedImage) = 0;
    virtual std::string modelFingerprint() const = 0;
};

// Used when no recognition model is installed: every enrolment is refused
// with a sentence that says what to do. It never invents descriptors.
class ModelNotInstalledEnroller : public FaceEnroller {
public:
    explicit ModelNotInstalledEnroller(std::string detail) : detail_(std::move(detail)) {}
    EnrolmentVerdict enrol(std::span<const std::uint8_t>) override {
        return {false, "recognition model not installed: " + detail_, {}, 0};
    }
    std::string modelFingerprint() const override { return {}; }

private:
    std::string detail_;
};

}  // namespace vigil::server
