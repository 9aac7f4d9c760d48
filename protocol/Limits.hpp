#pragma once
// Protocol constants and the limits every decoder enforces before it allocates.
// Limits are part of the protocol: both sides use the same numbers.

#include <cstddef>
#include <cstdint>

namespace vigil::protocol {

// Bumped on any incompatible change of a message layout. A Hello with another
// version gets Error{UnsupportedVersion} and the connection is closed.
inline constexpr std::uint32_t kProtocolVersion = 1;

inline constexpr std::size_t kFrameHeaderBytes = 4;  // big-endian payload length

// What a decoder accepts. Checked in this order: frame length (before the
// payload buffer exists), then every string and container count before the
// string or container is sized.
struct FrameLimits {
    std::uint32_t max_frame_bytes;
    std::uint32_t max_string_bytes;
    std::uint32_t max_container_elements;
};

// Before login a peer is anonymous: it may ask for a CAPTCHA, register or log
// in, none of which needs more than a few hundred bytes. Keeping this small
// means an unauthenticated connection can make the server buffer at most 16 KiB.
inline constexpr FrameLimits kPreLoginLimits{16 * 1024, 1024, 64};

// After login: enrolment photos and sighting snapshots travel as JPEG, a
// watchlist delta page carries many persons. Deltas are paged (see
// WatchlistDelta::more) so that no frame needs to exceed this.
inline constexpr FrameLimits kSessionLimits{16 * 1024 * 1024, 12 * 1024 * 1024, 4 * 1024 * 1024};

// What a client accepts from the server it authenticated by certificate.
inline constexpr FrameLimits kServerToClientLimits = kSessionLimits;

// Requests per second a single connection may send before it is throttled.
inline constexpr std::uint32_t kMaxMessagesPerSecond = 50;

// Sizes of the domain data carried in messages.
inline constexpr std::size_t kDescriptorSize = 128;
inline constexpr std::size_t kReportIdBytes = 16;  // random, hex-encoded on the wire
inline constexpr std::size_t kMaxPhotosPerPerson = 8;
inline constexpr std::size_t kMaxPhotoBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxSnapshotBytes = 1024 * 1024;

}  // namespace vigil::protocol
