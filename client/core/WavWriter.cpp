#include "client/core/WavWriter.hpp"

#include <fstream>
#include <stdexcept>
#include <string>

namespace vigil::client {
namespace {

void putLe(std::ofstream& out, std::uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out.put(static_cast<char>((value >> (8 * i)) & 0xff));
}

}  // namespace

void writeWav(const std::filesystem::path& file, std::span<const std::int16_t> samples,
              int sampleRate) {
    const auto dataBytes = static_cast<std::uint32_t>(samples.size() * sizeof(std::int16_t));
    const std::filesystem::path temp = file.string() + ".part";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("cannot write " + temp.string());
        out.write("RIFF", 4);
        putLe(out, 36 + dataBytes, 4);
        out.write("WAVEfmt ", 8);
        putLe(out, 16, 4);  // fmt chunk size
        putLe(out, 1, 2);   // PCM
        putLe(out, 1, 2);   // mono
        putLe(out, static_cast<std::uint32_t>(sampleRate), 4);
        putLe(out, static_cast<std::uint32_t>(sampleRate) * 2, 4);  // byte rate
        putLe(out, 2, 2);                                           // block align
        putLe(out, 16, 2);                                          // bits per sample
        out.write("data", 4);
        putLe(out, dataBytes, 4);
        for (std::int16_t s : samples) putLe(out, static_cast<std::uint16_t>(s), 2);
        if (!out.flush()) throw std::runtime_error("cannot write " + temp.string());
    }
    std::filesystem::rename(temp, file);
}

}  // namespace vigil::client
