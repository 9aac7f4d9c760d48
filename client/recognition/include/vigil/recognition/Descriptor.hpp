// A face descriptor: the 128 numbers dlib's ResNet computes for one aligned
// face chip. Two chips of the same person lie closer than about 0.6 in
// Euclidean distance (dlib's published operating point).
#pragma once

#include <array>
#include <cstddef>

namespace vigil::recognition {

inline constexpr std::size_t kDescriptorSize = 128;
using Descriptor = std::array<float, kDescriptorSize>;

// dlib's default decision threshold for "same person".
inline constexpr float kDefaultMatchThreshold = 0.6f;

float euclideanDistance(const Descriptor& a, const Descriptor& b);

}  // namespace vigil::recognition
