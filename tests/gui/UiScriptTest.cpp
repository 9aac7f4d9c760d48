#include "client/gui/toolkit/UiScript.hpp"

#include <doctest/doctest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using namespace vigil::gui;

namespace {

// A fake app: records what the script asked for; conditions become true
// after a number of ticks.
struct RecordingTarget : UiScriptTarget {
    std::vector<std::string> calls;
    std::map<std::string, int> ticks_until_true;

    bool showScreen(std::string_view screen) override {
        calls.push_back("screen " + std::string(screen));
        return screen != "nowhere";
    }
    bool setField(std::string_view field, std::string_view value) override {
        calls.push_back("set " + std::string(field) + "=" + std::string(value));
        return field != "nosuchfield";
    }
    bool press(std::string_view action) override {
        calls.push_back("press " + std::string(action));
        return true;
    }
    std::optional<bool> condition(std::string_view name) override {
        const auto found = ticks_until_true.find(std::string(name));
        if (found == ticks_until_true.end()) return std::nullopt;
        return found->second-- <= 0;
    }
};

// Screenshots land one frame after they are requested, like GuiWindow's.
struct FakeScreens {
    std::vector<std::string> written;
    std::string pending;
    std::optional<std::string> error;
    std::string fail_with;
    ScreenshotPort port() {
        return {[this](std::string path) { pending = std::move(path); error.reset(); },
                [this] { return !pending.empty(); }, [this] { return error; }};
    }
    void frame() {
        if (pending.empty()) return;
        if (fail_with.empty()) {
            written.push_back(pending);
            error = std::string{};
        } else {
            error = fail_with;
        }
        pending.clear();
    }
};

UiScriptRunner::State runToEnd(UiScriptRunner& runner, FakeScreens& screens, int max_ticks = 500) {
    auto state = UiScriptRunner::State::Running;
    for (int i = 0; i < max_ticks && state == UiScriptRunner::State::Running; ++i) {
        state = runner.tick();
        screens.frame();
    }
    return state;
}

}  // namespace

TEST_CASE("a script with every kind of step parses into steps with their line numbers") {
    const auto steps = parseUiScript(
        "# login first\n"
        "screen login\n"
        "\n"
        "set username field officer  # trailing comment\n"
        "press login\n"
        "wait logged-in 2.5\n"
        "frames 3\n"
        "shot /tmp/out dir/login.png\n"
        "quit\n");
    REQUIRE(steps.size() == 7);
    CHECK(steps[0].kind == UiStep::Kind::Screen);
    CHECK(steps[0].name == "login");
    CHECK(steps[0].line == 2);
    CHECK(steps[1].kind == UiStep::Kind::Set);
    CHECK(steps[1].name == "username");
    CHECK(steps[1].value == "field officer");
    CHECK(steps[2].kind == UiStep::Kind::Press);
    CHECK(steps[3].kind == UiStep::Kind::Wait);
    CHECK(steps[3].seconds == doctest::Approx(2.5));
    CHECK(steps[4].count == 3);
    CHECK(steps[5].name == "/tmp/out dir/login.png");
    CHECK(steps[6].kind == UiStep::Kind::Quit);
}

TEST_CASE("a wait without a timeout waits ten seconds") {
    CHECK(parseUiScript("wait ready").at(0).seconds == doctest::Approx(10));
}

TEST_CASE("a bad script line is refused with its line number and the reason") {
    CHECK_THROWS_WITH(parseUiScript("screen a\nclick b\n"),
                      doctest::Contains("line 2: unknown step 'click'"));
    CHECK_THROWS_WITH(parseUiScript("wait ready soon"), doctest::Contains("not a number"));
    CHECK_THROWS_WITH(parseUiScript("wait ready 9999"), doctest::Contains("between 0 and 600"));
    CHECK_THROWS_WITH(parseUiScript("frames 0"), doctest::Contains("between 1 and 10000"));
    CHECK_THROWS_WITH(parseUiScript("frames 3x"), doctest::Contains("between 1 and 10000"));
    CHECK_THROWS_WITH(parseUiScript("shot"), doctest::Contains("needs a file path"));
    CHECK_THROWS_WITH(parseUiScript("screen"), doctest::Contains("needs a screen name"));
}

TEST_CASE("a missing script file is reported by name") {
    CHECK_THROWS_WITH(loadUiScript("/nonexistent/vigil.ui"),
                      doctest::Contains("/nonexistent/vigil.ui"));
}

TEST_CASE("the runner performs the steps in order, waits for conditions and saves screenshots") {
    RecordingTarget app;
    app.ticks_until_true["logged-in"] = 5;
    FakeScreens screens;
    UiScriptRunner runner(parseUiScript("screen login\nset user ana\npress login\n"
                                        "wait logged-in 30\nshot a.png\nscreen list\n"
                                        "shot b.png\nquit\nscreen never\n"),
                          app, screens.port());
    CHECK(runToEnd(runner, screens) == UiScriptRunner::State::Finished);
    CHECK(runner.error().empty());
    CHECK(app.calls == std::vector<std::string>{"screen login", "set user=ana", "press login",
                                                "screen list"});
    CHECK(screens.written == std::vector<std::string>{"a.png", "b.png"});
}

TEST_CASE("a condition that never holds fails the script when its timeout passes") {
    RecordingTarget app;
    app.ticks_until_true["alert-shown"] = 1'000'000;
    FakeScreens screens;
    auto now = UiScriptRunner::Clock::time_point{};
    UiScriptRunner runner(parseUiScript("wait alert-shown 3\nquit\n"), app, screens.port(),
                          [&] { return now; });
    CHECK(runner.tick() == UiScriptRunner::State::Running);
    now += std::chrono::seconds(2);
    CHECK(runner.tick() == UiScriptRunner::State::Running);
    now += std::chrono::seconds(2);
    CHECK(runner.tick() == UiScriptRunner::State::Failed);
    CHECK(runner.error() == "UI script line 1: 'alert-shown' did not happen within 3 s");
}

TEST_CASE("names the app does not know fail the script with the name") {
    FakeScreens screens;
    RecordingTarget app;
    UiScriptRunner unknown_screen(parseUiScript("screen nowhere"), app, screens.port());
    CHECK(runToEnd(unknown_screen, screens) == UiScriptRunner::State::Failed);
    CHECK(unknown_screen.error() == "UI script line 1: unknown screen 'nowhere'");

    UiScriptRunner unknown_field(parseUiScript("set nosuchfield 1"), app, screens.port());
    CHECK(runToEnd(unknown_field, screens) == UiScriptRunner::State::Failed);
    CHECK(unknown_field.error() == "UI script line 1: unknown field 'nosuchfield'");

    UiScriptRunner unknown_condition(parseUiScript("wait whatever"), app, screens.port());
    CHECK(runToEnd(unknown_condition, screens) == UiScriptRunner::State::Failed);
    CHECK(unknown_condition.error() == "UI script line 1: unknown condition 'whatever'");
}

TEST_CASE("a screenshot that cannot be written fails the script with the reason") {
    RecordingTarget app;
    FakeScreens screens;
    screens.fail_with = "cannot write /readonly/x.png";
    UiScriptRunner runner(parseUiScript("shot /readonly/x.png\nquit\n"), app, screens.port());
    CHECK(runToEnd(runner, screens) == UiScriptRunner::State::Failed);
    CHECK(runner.error() == "UI script line 1: cannot write /readonly/x.png");
}
