#pragma once
// Spoken alerts with espeak-ng on a thread of their own. say() only queues:
// the pipeline never waits for a voice. Output goes to the speaker or, on
// machines without audio (tests, the headless demo), to one WAV file per
// utterance.

#include "protocol/WireTypes.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vigil::client {

struct SpeechOptions {
    enum class Output { Speaker, WavFiles, Off };
    Output output = Output::Speaker;
    std::filesystem::path wavDirectory;  // for WavFiles
    std::string voice = "en";
    int wordsPerMinute = 150;
    // Alerts beyond this wait are dropped (oldest first): a voice that is
    // minutes behind the screen helps no one.
    std::size_t maxQueued = 4;
};

// "Alert. Wanted person NAME detected at PLACE. Danger level HIGH."
std::string alertSentence(const std::string& name, const std::string& place,
                          protocol::DangerLevel danger);

class Speech {
public:
    explicit Speech(SpeechOptions options);
    ~Speech();
    Speech(const Speech&) = delete;
    Speech& operator=(const Speech&) = delete;

    void say(std::string text);

    // Settings changed while the station runs: the next utterance uses them.
    void setOutput(SpeechOptions::Output output);
    void setVoice(std::string voice);
    SpeechOptions::Output output() const;

    // The voices espeak-ng has installed (their language names, e.g. "en",
    // "en-us", "de"); empty when the library cannot be initialised.
    static std::vector<std::string> installedVoices();

    // True when everything queued so far has been spoken or written.
    bool waitIdle(std::chrono::milliseconds timeout);

    // WAV files written so far (WavFiles output), oldest first.
    std::vector<std::filesystem::path> writtenFiles() const;
    // The last failure (no voice data, no audio device...), empty when none.
    std::string lastError() const;
    std::size_t dropped() const;

private:
    void run();
    void speak(const std::string& text, std::size_t index);

    SpeechOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::deque<std::string> queue_;
    bool busy_ = false;
    bool stopping_ = false;
    std::size_t dropped_ = 0;
    std::size_t spoken_ = 0;
    std::vector<std::filesystem::path> files_;
    std::string lastError_;
    std::thread worker_;
};

}  // namespace vigil::client
