#include "client/gui/toolkit/TextureCache.hpp"

#include <GLFW/glfw3.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <vector>

namespace vigil::gui {

cv::Mat decodeImage(std::span<const std::uint8_t> encoded) {
    if (encoded.empty()) return {};
    try {
        const cv::Mat raw(1, static_cast<int>(encoded.size()), CV_8UC1,
                          const_cast<std::uint8_t*>(encoded.data()));
        return cv::imdecode(raw, cv::IMREAD_COLOR);
    } catch (const cv::Exception&) {
        return {};
    }
}

TextureCache::~TextureCache() {
    for (auto& [key, entry] : entries_) glDeleteTextures(1, &entry.gl_name);
}

void TextureCache::upload(Entry& entry, const cv::Mat& image) {
    cv::Mat rgba;
    switch (image.channels()) {
        case 1: cv::cvtColor(image, rgba, cv::COLOR_GRAY2RGBA); break;
        case 4: cv::cvtColor(image, rgba, cv::COLOR_BGRA2RGBA); break;
        default: cv::cvtColor(image, rgba, cv::COLOR_BGR2RGBA); break;
    }
    if (!rgba.isContinuous()) rgba = rgba.clone();
    if (entry.gl_name == 0) glGenTextures(1, &entry.gl_name);
    glBindTexture(GL_TEXTURE_2D, entry.gl_name);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, 0x812F);  // GL_CLAMP_TO_EDGE
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, 0x812F);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, rgba.cols, rgba.rows, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                 rgba.data);
    entry.width = rgba.cols;
    entry.height = rgba.rows;
}

Texture TextureCache::get(const std::string& key, const cv::Mat& image,
                          std::uint64_t generation) {
    auto found = entries_.find(key);
    if (found == entries_.end() || found->second.generation != generation) {
        if (image.empty() || image.depth() != CV_8U) return {};
        Entry& entry = entries_[key];
        upload(entry, image);
        entry.generation = generation;
        found = entries_.find(key);
    }
    Entry& entry = found->second;
    entry.last_used = frame_;
    return {reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(entry.gl_name)),
            entry.width, entry.height};
}

Texture TextureCache::getEncoded(const std::string& key, std::span<const std::uint8_t> encoded,
                                 std::uint64_t generation) {
    if (has(key, generation)) return get(key, cv::Mat{}, generation);
    return get(key, decodeImage(encoded), generation);
}

bool TextureCache::has(const std::string& key, std::uint64_t generation) const {
    const auto found = entries_.find(key);
    return found != entries_.end() && found->second.generation == generation;
}

void TextureCache::endFrame(std::uint64_t max_idle_frames) {
    ++frame_;
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (frame_ - it->second.last_used > max_idle_frames) {
            glDeleteTextures(1, &it->second.gl_name);
            it = entries_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace vigil::gui
