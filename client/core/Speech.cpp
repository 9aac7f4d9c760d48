#include "client/core/Speech.hpp"

#include "client/core/WavWriter.hpp"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace vigil::client {
namespace {

// espeak-ng keeps its state in globals: one synthesis at a time per process,
// whichever Speech object asks.
std::mutex& engineMutex() {
    static std::mutex m;
    return m;
}

std::vector<std::int16_t>* g_capture = nullptr;  // guarded by engineMutex()

int captureSamples(short* wav, int count, espeak_EVENT*) {
    if (g_capture && wav && count > 0) g_capture->insert(g_capture->end(), wav, wav + count);
    return 0;  // continue synthesis
}

std::string statusText(espeak_ng_STATUS status) {
    char buffer[512] = {};
    espeak_ng_GetStatusCodeMessage(status, buffer, sizeof buffer);
    return buffer;
}

// Initialises the library once; switches the output mode per call.
espeak_ng_STATUS prepareEngine(espeak_ng_OUTPUT_MODE mode) {
    static bool initialised = false;
    static espeak_ng_STATUS initStatus = ENS_OK;
    if (!initialised) {
        espeak_ng_InitializePath(nullptr);
        initStatus = espeak_ng_Initialize(nullptr);
        initialised = true;
    }
    if (initStatus != ENS_OK) return initStatus;
    return espeak_ng_InitializeOutput(mode, 0, nullptr);
}

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

}  // namespace

std::string alertSentence(const std::string& name, const std::string& place,
                          protocol::DangerLevel danger) {
    std::string text = "Alert. Wanted person " + name + " detected";
    if (!place.empty()) text += " at " + place;
    text += ". Danger level " + upper(protocol::describe(danger)) + ".";
    return text;
}

Speech::Speech(SpeechOptions options) : options_(std::move(options)) {
    if (options_.output == SpeechOptions::Output::WavFiles)
        std::filesystem::create_directories(options_.wavDirectory);
    worker_ = std::thread([this] { run(); });
}

Speech::~Speech() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    worker_.join();
}

void Speech::say(std::string text) {
    {
        std::lock_guard lock(mutex_);
        if (options_.output == SpeechOptions::Output::Off) return;
        if (queue_.size() >= options_.maxQueued) {
            queue_.pop_front();
            ++dropped_;
        }
        queue_.push_back(std::move(text));
    }
    wake_.notify_one();
}

void Speech::setOutput(SpeechOptions::Output output) {
    std::lock_guard lock(mutex_);
    if (output == SpeechOptions::Output::WavFiles && options_.output != SpeechOptions::Output::WavFiles)
        std::filesystem::create_directories(options_.wavDirectory);
    options_.output = output;
    if (output == SpeechOptions::Output::Off) {
        dropped_ += queue_.size();  // switched off: nothing more is said
        queue_.clear();
    }
}

void Speech::setVoice(std::string voice) {
    std::lock_guard lock(mutex_);
    options_.voice = std::move(voice);
}

SpeechOptions::Output Speech::output() const {
    std::lock_guard lock(mutex_);
    return options_.output;
}

std::vector<std::string> Speech::installedVoices() {
    std::vector<std::string> names;
    std::lock_guard engine(engineMutex());
    if (prepareEngine(ENOUTPUT_MODE_SYNCHRONOUS) != ENS_OK) return names;
    for (const espeak_VOICE* const* voice = espeak_ListVoices(nullptr); voice && *voice; ++voice) {
        // `languages` is a priority byte, then a language name, repeated.
        const char* languages = (*voice)->languages;
        if (!languages || !languages[0] || !languages[1]) continue;
        const std::string language = languages + 1;
        names.push_back(language);
        // espeak-ng takes a bare language ("en") for its first dialect ("en-gb").
        if (const auto dash = language.find('-'); dash != std::string::npos) names.push_back(language.substr(0, dash));
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

bool Speech::waitIdle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [&] { return queue_.empty() && !busy_; });
}

std::vector<std::filesystem::path> Speech::writtenFiles() const {
    std::lock_guard lock(mutex_);
    return files_;
}

std::string Speech::lastError() const {
    std::lock_guard lock(mutex_);
    return lastError_;
}

std::size_t Speech::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

void Speech::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_) break;
        std::string text = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
        const std::size_t index = ++spoken_;
        lock.unlock();
        speak(text, index);
        lock.lock();
        busy_ = false;
        if (queue_.empty()) idle_.notify_all();
    }
    busy_ = false;
    idle_.notify_all();
}

void Speech::speak(const std::string& text, std::size_t index) {
    SpeechOptions options;
    {
        std::lock_guard lock(mutex_);
        options = options_;  // setOutput/setVoice may change them meanwhile
    }
    if (options.output == SpeechOptions::Output::Off) return;
    const bool toFile = options.output == SpeechOptions::Output::WavFiles;
    std::vector<std::int16_t> samples;
    std::string error;
    int sampleRate = 0;
    {
        std::lock_guard engine(engineMutex());
        const auto mode = toFile ? ENOUTPUT_MODE_SYNCHRONOUS
                                 : static_cast<espeak_ng_OUTPUT_MODE>(ENOUTPUT_MODE_SYNCHRONOUS |
                                                                      ENOUTPUT_MODE_SPEAK_AUDIO);
        espeak_ng_STATUS status = prepareEngine(mode);
        if (status == ENS_OK) status = espeak_ng_SetVoiceByName(options.voice.c_str());
        if (status == ENS_OK) status = espeak_ng_SetParameter(espeakRATE, options.wordsPerMinute, 0);
        if (status == ENS_OK) {
            g_capture = toFile ? &samples : nullptr;
            espeak_SetSynthCallback(captureSamples);
            status = espeak_ng_Synthesize(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                          espeakCHARS_UTF8, nullptr, nullptr);
            if (status == ENS_OK) status = espeak_ng_Synchronize();
            g_capture = nullptr;
        }
        if (status != ENS_OK) error = "speech failed: " + statusText(status);
        sampleRate = espeak_ng_GetSampleRate();
    }
    if (error.empty() && toFile) {
        char name[64];
        std::snprintf(name, sizeof name, "alert-%04zu.wav", index);
        const auto file = options.wavDirectory / name;
        try {
            writeWav(file, samples, sampleRate);
            std::lock_guard lock(mutex_);
            files_.push_back(file);
        } catch (const std::exception& e) {
            error = e.what();
        }
    }
    if (!error.empty()) {
        std::lock_guard lock(mutex_);
        lastError_ = error;
    }
}

}  // namespace vigil::client
