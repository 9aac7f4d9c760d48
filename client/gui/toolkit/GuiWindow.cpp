#include "client/gui/toolkit/GuiWindow.hpp"

#include "client/gui/toolkit/Theme.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui/backends/imgui_impl_glfw.h>
#include <imgui/backends/imgui_impl_opengl3.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <filesystem>
#include <stdexcept>

namespace vigil::gui {
namespace {

std::string lastGlfwError() {
    const char* description = nullptr;
    glfwGetError(&description);
    return description ? description : "unknown GLFW error";
}

// glfwInit/glfwTerminate are process-wide; count windows so that two windows
// in one process (tests) do not terminate GLFW under each other.
int g_open_windows = 0;

}  // namespace

GuiWindow::GuiWindow(const WindowOptions& options) {
    if (g_open_windows == 0 && !glfwInit())
        throw std::runtime_error("cannot open a window (no display? set DISPLAY or use "
                                 "--headless): " + lastGlfwError());
    ++g_open_windows;

    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);

    // Size the window for the primary monitor's content scale (high DPI).
    if (GLFWmonitor* monitor = glfwGetPrimaryMonitor()) {
        float sx = 1, sy = 1;
        glfwGetMonitorContentScale(monitor, &sx, &sy);
        scale_ = std::max(1.0f, std::max(sx, sy));
    }
    window_ = glfwCreateWindow(static_cast<int>(options.width * scale_),
                               static_cast<int>(options.height * scale_),
                               options.title.c_str(), nullptr, nullptr);
    if (!window_) {
        std::string why = lastGlfwError();
        if (--g_open_windows == 0) glfwTerminate();
        throw std::runtime_error("cannot create an OpenGL 3.3 window: " + why);
    }
    float wx = 1, wy = 1;
    glfwGetWindowContentScale(window_, &wx, &wy);
    scale_ = std::max(1.0f, std::max(wx, wy));

    glfwMakeContextCurrent(window_);
    glfwSwapInterval(1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    io.IniFilename = nullptr;  // layout comes from code, not from a file in the cwd

    applyTheme(scale_);
    loadFonts(options.base_font_size * scale_);

    ImGui_ImplGlfw_InitForOpenGL(window_, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
}

GuiWindow::~GuiWindow() {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window_);
    if (--g_open_windows == 0) glfwTerminate();
}

void GuiWindow::loadFonts(float size) {
    ImGuiIO& io = ImGui::GetIO();
    const std::filesystem::path dir = VIGIL_FONT_DIR;
    auto load = [&](const char* file, float px) -> ImFont* {
        const auto path = dir / file;
        if (!std::filesystem::exists(path)) return nullptr;
        // Latin + Latin-1 + Latin Extended-A: names of wanted persons carry accents.
        static const ImWchar ranges[] = {0x0020, 0x017F, 0x2013, 0x2026, 0x2190, 0x21FF,
                                         0x25A0, 0x25FF, 0};
        return io.Fonts->AddFontFromFileTTF(path.string().c_str(), px, nullptr, ranges);
    };
    fonts_.regular = load("DejaVuSans.ttf", size);
    if (!fonts_.regular) {
        // fonts-dejavu-core missing: ImGui's built-in font still renders text.
        ImFontConfig config;
        config.SizePixels = 13.0f * scale_;
        fonts_.regular = io.Fonts->AddFontDefault(&config);
    }
    fonts_.bold = load("DejaVuSans-Bold.ttf", size);
    fonts_.large = load("DejaVuSans-Bold.ttf", size * 1.6f);
    fonts_.mono = load("DejaVuSansMono.ttf", size);
    if (!fonts_.bold) fonts_.bold = fonts_.regular;
    if (!fonts_.large) fonts_.large = fonts_.regular;
    if (!fonts_.mono) fonts_.mono = fonts_.regular;
    io.FontDefault = fonts_.regular;
}

bool GuiWindow::beginFrame() {
    glfwPollEvents();
    if (glfwWindowShouldClose(window_)) return false;
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    return true;
}

void GuiWindow::endFrame() {
    ImGui::Render();
    int width = 0, height = 0;
    glfwGetFramebufferSize(window_, &width, &height);
    glViewport(0, 0, width, height);
    const ImVec4 clear = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(clear.x, clear.y, clear.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (!screenshot_path_.empty()) takeScreenshot();
    glfwSwapBuffers(window_);
    ++frame_number_;
}

void GuiWindow::requestClose() { glfwSetWindowShouldClose(window_, GLFW_TRUE); }

void GuiWindow::requestScreenshot(std::string path) {
    screenshot_path_ = std::move(path);
    screenshot_error_.reset();
}

void GuiWindow::takeScreenshot() {
    int width = 0, height = 0;
    glfwGetFramebufferSize(window_, &width, &height);
    const std::string path = std::exchange(screenshot_path_, {});
    try {
        const cv::Mat image = readFramebuffer(width, height);
        const auto parent = std::filesystem::path(path).parent_path();
        if (!parent.empty()) std::filesystem::create_directories(parent);
        // Highest PNG compression: screenshots end up in the repository.
        if (!cv::imwrite(path, image, {cv::IMWRITE_PNG_COMPRESSION, 9}))
            screenshot_error_ = "cannot write " + path;
        else
            screenshot_error_ = std::string{};
    } catch (const std::exception& error) {
        screenshot_error_ = "cannot save screenshot " + path + ": " + error.what();
    }
}

cv::Mat readFramebuffer(int width, int height) {
    cv::Mat rgba(height, width, CV_8UC4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data);
    cv::Mat bgr;
    cv::cvtColor(rgba, bgr, cv::COLOR_RGBA2BGR);
    cv::flip(bgr, bgr, 0);  // OpenGL's origin is bottom-left
    return bgr;
}

}  // namespace vigil::gui
