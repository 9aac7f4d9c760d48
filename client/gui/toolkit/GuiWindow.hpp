#pragma once
// One desktop window: GLFW + an OpenGL 3.3 core context + Dear ImGui with
// DejaVu fonts sized for the monitor's content scale and keyboard navigation
// on. The owner runs the loop:
//
//     GuiWindow window({"Vigil"});
//     while (window.beginFrame()) { ...ImGui calls...; window.endFrame(); }
//
// Screenshots are taken after the frame is rendered and before the buffers
// swap, so they show exactly what the frame drew.

#include <opencv2/core/mat.hpp>

#include <optional>
#include <string>

struct GLFWwindow;
struct ImFont;

namespace vigil::gui {

struct WindowOptions {
    std::string title = "Vigil";
    int width = 1400;   // logical size; multiplied by the content scale
    int height = 900;
    float base_font_size = 16.0f;
};

// The fonts a screen may push: body text, headings and a large face for alerts.
struct Fonts {
    ImFont* regular = nullptr;
    ImFont* bold = nullptr;
    ImFont* large = nullptr;
    ImFont* mono = nullptr;
};

class GuiWindow {
public:
    // Throws std::runtime_error with a sentence when no display or no
    // OpenGL 3.3 context is available.
    explicit GuiWindow(const WindowOptions& options);
    ~GuiWindow();
    GuiWindow(const GuiWindow&) = delete;
    GuiWindow& operator=(const GuiWindow&) = delete;

    // Polls events and starts an ImGui frame; false once the user closed the
    // window (or requestClose() was called).
    bool beginFrame();
    // Renders, takes a pending screenshot, swaps.
    void endFrame();

    void requestClose();
    // The next endFrame() writes the rendered frame to `path` (PNG).
    void requestScreenshot(std::string path);
    // The outcome of the last screenshot: empty when it worked, else why not.
    const std::optional<std::string>& lastScreenshotError() const { return screenshot_error_; }
    bool screenshotPending() const { return !screenshot_path_.empty(); }

    float contentScale() const { return scale_; }
    const Fonts& fonts() const { return fonts_; }
    std::uint64_t frameNumber() const { return frame_number_; }

private:
    void loadFonts(float size);
    void takeScreenshot();

    GLFWwindow* window_ = nullptr;
    float scale_ = 1.0f;
    Fonts fonts_;
    std::string screenshot_path_;
    std::optional<std::string> screenshot_error_;
    std::uint64_t frame_number_ = 0;
};

// Reads the current framebuffer (after rendering) into a BGR image.
cv::Mat readFramebuffer(int width, int height);

}  // namespace vigil::gui
