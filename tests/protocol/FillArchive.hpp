#pragma once
// A test-only cereal input archive that "loads" pseudo-random values into any
// message, so every field of every message type takes part in round-trip
// tests without a hand-written sample per type.

#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>

#include <cstdint>
#include <cstring>
#include <random>
#include <type_traits>

namespace vigil::test {

class FillArchive : public cereal::InputArchive<FillArchive, cereal::AllowEmptyClassElision> {
public:
    explicit FillArchive(std::uint32_t seed)
        : cereal::InputArchive<FillArchive, cereal::AllowEmptyClassElision>(this), rng_(seed) {}

    template <class T>
    void fillArithmetic(T& t) {
        if constexpr (std::is_same_v<T, bool>) {
            t = (rng_() & 1) != 0;
        } else if constexpr (std::is_floating_point_v<T>) {
            t = static_cast<T>(std::uniform_real_distribution<double>(-1000, 1000)(rng_));
        } else if constexpr (sizeof(T) <= 2) {
            // One- and two-byte integers are enum fields: every Vigil enum has at least two members.
            t = static_cast<T>(rng_() % 2);
        } else {
            t = static_cast<T>(rng_());
        }
    }
    void fillBytes(void* data, std::size_t size) {
        auto* p = static_cast<std::uint8_t*>(data);
        for (std::size_t i = 0; i < size; ++i) p[i] = static_cast<std::uint8_t>('a' + rng_() % 26);
    }
    std::uint64_t count() { return rng_() % 4; }

private:
    std::mt19937 rng_;
};

}  // namespace vigil::test

namespace cereal {
using vigil::test::FillArchive;

template <class T>
    requires std::is_arithmetic_v<T>
inline void CEREAL_LOAD_FUNCTION_NAME(FillArchive& ar, T& t) { ar.fillArithmetic(t); }

template <class T>
inline void CEREAL_SERIALIZE_FUNCTION_NAME(FillArchive& ar, NameValuePair<T>& t) { ar(t.value); }

template <class T>
inline void CEREAL_SERIALIZE_FUNCTION_NAME(FillArchive& ar, SizeTag<T>& t) { t.size = ar.count(); }

template <class T>
inline void CEREAL_LOAD_FUNCTION_NAME(FillArchive& ar, BinaryData<T>& bd) {
    using Element = std::remove_pointer_t<T>;
    if constexpr (std::is_floating_point_v<Element>) {
        auto* p = static_cast<Element*>(bd.data);
        for (std::size_t i = 0; i < bd.size / sizeof(Element); ++i) ar.fillArithmetic(p[i]);
    } else {
        ar.fillBytes(bd.data, static_cast<std::size_t>(bd.size));
    }
}

namespace traits::detail {
template <>
struct get_output_from_input<FillArchive> {
    using type = PortableBinaryOutputArchive;
};
}  // namespace traits::detail
}  // namespace cereal

CEREAL_REGISTER_ARCHIVE(vigil::test::FillArchive)
