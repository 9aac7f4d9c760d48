#include "client/gui/toolkit/UiScript.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vigil::gui {
namespace {

// Frames rendered before a screenshot: ImGui sizes auto-fit windows over the
// first frames after something appears, so a shot taken at once can catch a
// half-laid-out screen.
constexpr int kSettleFrames = 4;

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

// Splits "verb rest-of-line".
std::pair<std::string_view, std::string_view> splitWord(std::string_view text) {
    const auto space = text.find_first_of(" \t");
    if (space == std::string_view::npos) return {text, {}};
    return {text.substr(0, space), trim(text.substr(space))};
}

[[noreturn]] void bad(int line, const std::string& why) {
    throw std::runtime_error("line " + std::to_string(line) + ": " + why);
}

}  // namespace

std::vector<UiStep> parseUiScript(std::string_view text) {
    std::vector<UiStep> steps;
    int line_number = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++line_number;
        if (const auto hash = line.find('#'); hash != std::string_view::npos && 
            (hash == 0 || line[hash - 1] == ' ' || line[hash - 1] == '\t'))
            line = line.substr(0, hash);
        line = trim(line);
        if (line.empty()) continue;

        auto [verb, rest] = splitWord(line);
        UiStep step;
        step.line = line_number;
        auto needName = [&](const char* what) {
            if (rest.empty()) bad(line_number, std::string(verb) + " needs " + what);
        };
        if (verb == "screen") {
            needName("a screen name");
            step.kind = UiStep::Kind::Screen;
            step.name = rest;
        } else if (verb == "set") {
            needName("a field name");
            auto [field, value] = splitWord(rest);
            step.kind = UiStep::Kind::Set;
            step.name = field;
            step.value = value;
        } else if (verb == "press") {
            needName("an action name");
            step.kind = UiStep::Kind::Press;
            step.name = rest;
        } else if (verb == "wait") {
            needName("a condition name");
            auto [condition, timeout] = splitWord(rest);
            step.kind = UiStep::Kind::Wait;
            step.name = condition;
            step.seconds = 10;
            if (!timeout.empty()) {
                try {
                    std::size_t used = 0;
                    step.seconds = std::stod(std::string(timeout), &used);
                    if (used != timeout.size()) throw std::invalid_argument("trailing text");
                } catch (const std::exception&) {
                    bad(line_number, "wait timeout '" + std::string(timeout) +
                                         "' is not a number of seconds");
                }
                if (step.seconds <= 0 || step.seconds > 600)
                    bad(line_number, "wait timeout must be between 0 and 600 seconds");
            }
        } else if (verb == "frames") {
            step.kind = UiStep::Kind::Frames;
            const auto result = std::from_chars(rest.data(), rest.data() + rest.size(), step.count);
            if (rest.empty() || result.ec != std::errc{} || result.ptr != rest.data() + rest.size() ||
                step.count < 1 || step.count > 10000)
                bad(line_number, "frames needs a count between 1 and 10000");
        } else if (verb == "shot") {
            needName("a file path");
            step.kind = UiStep::Kind::Shot;
            step.name = rest;
        } else if (verb == "quit") {
            step.kind = UiStep::Kind::Quit;
        } else {
            bad(line_number, "unknown step '" + std::string(verb) +
                                 "' (expected screen, set, press, wait, frames, shot or quit)");
        }
        steps.push_back(std::move(step));
    }
    return steps;
}

std::vector<UiStep> loadUiScript(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read UI script " + path);
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return parseUiScript(text.str());
    } catch (const std::runtime_error& error) {
        throw std::runtime_error(path + ": " + error.what());
    }
}

UiScriptRunner::UiScriptRunner(std::vector<UiStep> steps, UiScriptTarget& target,
                               ScreenshotPort screenshots,
                               std::function<Clock::time_point()> now)
    : steps_(std::move(steps)),
      target_(target),
      screenshots_(std::move(screenshots)),
      now_(std::move(now)) {}

UiScriptRunner::State UiScriptRunner::fail(const UiStep& step, const std::string& why) {
    error_ = "UI script line " + std::to_string(step.line) + ": " + why;
    state_ = State::Failed;
    return state_;
}

UiScriptRunner::State UiScriptRunner::tick() {
    if (state_ != State::Running) return state_;
    if (frames_to_wait_ > 0) {
        --frames_to_wait_;
        return state_;
    }
    // Steps that complete at once run back to back in one tick; the ones that
    // need frames (wait, frames, shot) return and resume on a later tick.
    while (next_ < steps_.size()) {
        const UiStep& step = steps_[next_];
        switch (step.kind) {
            case UiStep::Kind::Screen:
                if (!target_.showScreen(step.name))
                    return fail(step, "unknown screen '" + step.name + "'");
                frames_to_wait_ = 1;
                ++next_;
                return state_;
            case UiStep::Kind::Set:
                if (!target_.setField(step.name, step.value))
                    return fail(step, "unknown field '" + step.name + "'");
                break;
            case UiStep::Kind::Press:
                if (!target_.press(step.name))
                    return fail(step, "action '" + step.name + "' is unknown or not available now");
                frames_to_wait_ = 1;
                ++next_;
                return state_;
            case UiStep::Kind::Wait: {
                const auto holds = target_.condition(step.name);
                if (!holds) return fail(step, "unknown condition '" + step.name + "'");
                if (!*holds) {
                    if (!wait_deadline_)
                        wait_deadline_ = now_() + std::chrono::duration_cast<Clock::duration>(
                                                      std::chrono::duration<double>(step.seconds));
                    if (now_() >= *wait_deadline_)
                        return fail(step, "'" + step.name + "' did not happen within " +
                                              std::to_string(static_cast<int>(step.seconds)) + " s");
                    return state_;
                }
                wait_deadline_.reset();
                break;
            }
            case UiStep::Kind::Frames:
                frames_to_wait_ = step.count - 1;
                ++next_;
                return state_;
            case UiStep::Kind::Shot:
                if (shot_phase_ == ShotPhase::None) {
                    shot_phase_ = ShotPhase::Settling;
                    frames_to_wait_ = kSettleFrames;
                    return state_;
                }
                if (shot_phase_ == ShotPhase::Settling) {
                    shot_phase_ = ShotPhase::Requested;
                    screenshots_.request(step.name);
                    return state_;
                }
                if (screenshots_.pending()) return state_;
                shot_phase_ = ShotPhase::None;
                if (const auto error = screenshots_.error(); error && !error->empty())
                    return fail(step, *error);
                break;
            case UiStep::Kind::Quit:
                next_ = steps_.size();
                return state_ = State::Finished;
        }
        ++next_;
    }
    return state_ = State::Finished;
}

}  // namespace vigil::gui
