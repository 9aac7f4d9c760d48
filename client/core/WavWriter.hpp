#pragma once
// A 16-bit mono PCM WAV file (RIFF/WAVE, the canonical 44-byte header).
// The station's speech writes alerts to such files when it has no speaker.

#include <cstdint>
#include <filesystem>
#include <span>

namespace vigil::client {

// Writes to `file` through a temporary name and a rename, so a reader never
// sees half a file. Throws std::runtime_error naming the file on failure.
void writeWav(const std::filesystem::path& file, std::span<const std::int16_t> samples,
              int sampleRate);

}  // namespace vigil::client
