// Spoken alerts through the real espeak-ng, written to WAV files.
#include "client/core/Speech.hpp"
#include "support/TestCerts.hpp"

#include <algorithm>
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

using namespace vigil::client;
using namespace std::chrono_literals;

namespace {

struct Wav {
    int sampleRate = 0;
    int channels = 0;
    int bits = 0;
    std::vector<std::int16_t> samples;
};

std::uint32_t le(const std::vector<char>& b, std::size_t at, int bytes) {
    std::uint32_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + i])) << (8 * i);
    return v;
}

Wav readWav(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(b.size() >= 44);
    REQUIRE(std::memcmp(b.data(), "RIFF", 4) == 0);
    REQUIRE(std::memcmp(b.data() + 8, "WAVEfmt ", 8) == 0);
    REQUIRE(le(b, 4, 4) == b.size() - 8);
    Wav wav;
    wav.channels = static_cast<int>(le(b, 22, 2));
    wav.sampleRate = static_cast<int>(le(b, 24, 4));
    wav.bits = static_cast<int>(le(b, 34, 2));
    REQUIRE(std::memcmp(b.data() + 36, "data", 4) == 0);
    const std::uint32_t bytes = le(b, 40, 4);
    REQUIRE(bytes == b.size() - 44);
    for (std::size_t i = 44; i + 1 < b.size(); i += 2)
        wav.samples.push_back(static_cast<std::int16_t>(le(b, i, 2)));
    return wav;
}

double rms(const std::vector<std::int16_t>& s) {
    double sum = 0;
    for (auto v : s) sum += static_cast<double>(v) * v;
    return s.empty() ? 0 : std::sqrt(sum / static_cast<double>(s.size()));
}

}  // namespace

TEST_CASE("the alert sentence names the person, the place and the danger level") {
    CHECK(alertSentence("Jane Doe", "Central Station", vigil::protocol::DangerLevel::High) ==
          "Alert. Wanted person Jane Doe detected at Central Station. Danger level HIGH.");
    CHECK(alertSentence("Jane Doe", "", vigil::protocol::DangerLevel::Low) ==
          "Alert. Wanted person Jane Doe detected. Danger level LOW.");
}

TEST_CASE("a spoken alert is a WAV file with speech in it, of a sensible length") {
    vigil::test::TempDir dir("speech");
    SpeechOptions options;
    options.output = SpeechOptions::Output::WavFiles;
    options.wavDirectory = dir.path;
    Speech speech(options);
    speech.say(alertSentence("Jane Doe", "Central Station", vigil::protocol::DangerLevel::High));
    REQUIRE(speech.waitIdle(30s));
    CHECK(speech.lastError().empty());
    const auto files = speech.writtenFiles();
    REQUIRE(files.size() == 1);
    const Wav wav = readWav(files[0]);
    CHECK(wav.channels == 1);
    CHECK(wav.bits == 16);
    REQUIRE(wav.sampleRate > 8000);
    const double seconds = static_cast<double>(wav.samples.size()) / wav.sampleRate;
    // About 12 words at 150 words per minute: several seconds, not a click, not a minute.
    CHECK(seconds > 2.0);
    CHECK(seconds < 12.0);
    CHECK(rms(wav.samples) > 500.0);  // speech, not silence (16-bit full scale is 32767)
    // And it is not a constant tone: loud and quiet stretches alternate as in words.
    std::size_t quiet = 0, loud = 0;
    const std::size_t window = static_cast<std::size_t>(wav.sampleRate / 50);  // 20 ms
    for (std::size_t i = 0; i + window <= wav.samples.size(); i += window) {
        const double r = rms({wav.samples.begin() + static_cast<long>(i), wav.samples.begin() + static_cast<long>(i + window)});
        (r < 200 ? quiet : loud) += 1;
    }
    CHECK(quiet > 5);
    CHECK(loud > 20);
}

TEST_CASE("saying something never waits for the voice, and a backlog drops the oldest") {
    vigil::test::TempDir dir("speech-queue");
    SpeechOptions options;
    options.output = SpeechOptions::Output::WavFiles;
    options.wavDirectory = dir.path;
    options.maxQueued = 2;
    Speech speech(options);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 6; ++i) speech.say("Alert number " + std::to_string(i) + ". This is a long sentence for a test.");
    CHECK(std::chrono::steady_clock::now() - start < 200ms);
    REQUIRE(speech.waitIdle(60s));
    CHECK(speech.dropped() >= 1);
    CHECK(speech.writtenFiles().size() + speech.dropped() == 6);
}

TEST_CASE("speech switched off while running says nothing more; switched on again it speaks with the new voice") {
    vigil::test::TempDir dir("speech-switch");
    SpeechOptions options;
    options.output = SpeechOptions::Output::WavFiles;
    options.wavDirectory = dir.path;
    Speech speech(options);
    speech.setOutput(SpeechOptions::Output::Off);
    speech.say("Alert. This must not be spoken.");
    REQUIRE(speech.waitIdle(30s));
    CHECK(speech.writtenFiles().empty());

    const auto voices = Speech::installedVoices();
    REQUIRE(std::find(voices.begin(), voices.end(), "de") != voices.end());
    CHECK(std::find(voices.begin(), voices.end(), "en") != voices.end());  // bare language for en-gb
    speech.setVoice("de");
    speech.setOutput(SpeechOptions::Output::WavFiles);
    CHECK(speech.output() == SpeechOptions::Output::WavFiles);
    speech.say("Achtung. Gesuchte Person erkannt.");
    REQUIRE(speech.waitIdle(30s));
    CHECK(speech.lastError().empty());
    REQUIRE(speech.writtenFiles().size() == 1);
    CHECK(rms(readWav(speech.writtenFiles()[0]).samples) > 500.0);
}
