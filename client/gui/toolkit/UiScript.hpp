#pragma once
// A scripted "UI driver": a text file of steps that moves an app through its
// screens deterministically, so tests and tools/screenshots can reach every
// screen without a mouse. One step per line, '#' starts a comment:
//
//     screen login                 go to a screen (the app knows the names)
//     set username operator        put text into a named field
//     press login                  trigger a named action (a button)
//     wait logged-in 20            until a named condition holds, at most 20 s
//     frames 5                     let a few frames render
//     shot /tmp/login.png          save a screenshot of the next frame
//     quit                         close the app (exit status 0)
//
// A step naming something the app does not know, a wait that times out, or a
// screenshot that cannot be written fails the script with a sentence; the app
// then exits with a non-zero status so a test notices.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::gui {

struct UiStep {
    enum class Kind { Screen, Set, Press, Wait, Frames, Shot, Quit };
    Kind kind = Kind::Quit;
    std::string name;   // screen, field, action, condition or path
    std::string value;  // for Set
    double seconds = 0; // for Wait
    int count = 0;      // for Frames
    int line = 0;
};

// Parses a script; throws std::runtime_error("line N: ...") on a bad line.
std::vector<UiStep> parseUiScript(std::string_view text);
std::vector<UiStep> loadUiScript(const std::string& path);

// What the app exposes to a script. Each returns false (or nullopt) for a
// name it does not know, which fails the script.
class UiScriptTarget {
public:
    virtual ~UiScriptTarget() = default;
    virtual bool showScreen(std::string_view screen) = 0;
    virtual bool setField(std::string_view field, std::string_view value) = 0;
    virtual bool press(std::string_view action) = 0;
    virtual std::optional<bool> condition(std::string_view name) = 0;
};

// How the runner takes screenshots (GuiWindow in the apps, a fake in tests).
struct ScreenshotPort {
    std::function<void(std::string)> request;
    std::function<bool()> pending;
    std::function<std::optional<std::string>()> error;  // "" when the last one worked
};

class UiScriptRunner {
public:
    using Clock = std::chrono::steady_clock;
    enum class State { Running, Finished, Failed };

    UiScriptRunner(std::vector<UiStep> steps, UiScriptTarget& target, ScreenshotPort screenshots,
                   std::function<Clock::time_point()> now = &Clock::now);

    // Call once per frame, between ImGui frames. Returns Finished after `quit`
    // (or the last step), Failed with error() set when a step failed.
    State tick();
    const std::string& error() const { return error_; }

private:
    State fail(const UiStep& step, const std::string& why);

    std::vector<UiStep> steps_;
    UiScriptTarget& target_;
    ScreenshotPort screenshots_;
    std::function<Clock::time_point()> now_;
    std::size_t next_ = 0;
    int frames_to_wait_ = 0;
    std::optional<Clock::time_point> wait_deadline_;
    enum class ShotPhase { None, Settling, Requested } shot_phase_ = ShotPhase::None;
    State state_ = State::Running;
    std::string error_;
};

}  // namespace vigil::gui
