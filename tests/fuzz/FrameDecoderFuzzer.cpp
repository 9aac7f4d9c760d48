// libFuzzer harness: any byte string given to the frame decoder is either a
// valid frame or rejected with a reason; never a crash, leak, or huge allocation
// (-rss_limit_mb and ASan's allocation checks catch those).
#include "protocol/FrameCodec.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace vigil::protocol;
    const std::span<const std::uint8_t> bytes(data, size);
    for (const FrameLimits& limits : {kPreLoginLimits, kSessionLimits}) {
        const DecodeResult result = decodeFrame(bytes, limits);
        if (result.ok() == result.failure.has_value()) std::abort();
        if (result.ok()) {
            // What decodes must re-encode to a frame that decodes to the same
            // canonical bytes (input may be big-endian, so compare re-encodings).
            const auto canonical = encodeFrame(*result.envelope, kSessionLimits);
            const DecodeResult again = decodeFrame(canonical, kSessionLimits);
            if (!again.ok() || encodeFrame(*again.envelope, kSessionLimits) != canonical) std::abort();
        }
    }
    return 0;
}
