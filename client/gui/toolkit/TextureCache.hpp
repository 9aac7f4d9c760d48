#pragma once
// OpenGL textures for cv::Mat images (wanted-person photos, CAPTCHA images,
// video frames), keyed by a name the caller chooses ("photo:17", "captcha",
// "video"). A key is uploaded once and re-uploaded only when its generation
// changes (a new video frame); textures not drawn for a while are released,
// so a long list of thumbnails does not pin GPU memory forever.
//
// Must be used on the thread that owns the OpenGL context.

#include <imgui.h>
#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>

namespace vigil::gui {

struct Texture {
    ImTextureID id = nullptr;
    int width = 0;
    int height = 0;
    explicit operator bool() const { return id != nullptr; }
};

class TextureCache {
public:
    TextureCache() = default;
    ~TextureCache();
    TextureCache(const TextureCache&) = delete;
    TextureCache& operator=(const TextureCache&) = delete;

    // The texture for `key`, uploading `image` (BGR, BGRA or grey, 8 bit) when
    // the key is new or `generation` differs from the uploaded one. An empty
    // image gives an empty Texture.
    Texture get(const std::string& key, const cv::Mat& image, std::uint64_t generation = 0);
    // Same for encoded bytes (JPEG/PNG); decoded only when (re)uploaded.
    // Undecodable bytes give an empty Texture, never an exception.
    Texture getEncoded(const std::string& key, std::span<const std::uint8_t> encoded,
                       std::uint64_t generation = 0);
    // Whether `key` is uploaded at `generation` (lets callers skip decoding).
    bool has(const std::string& key, std::uint64_t generation = 0) const;

    // Call once per frame: frees textures not requested for `max_idle_frames`.
    void endFrame(std::uint64_t max_idle_frames = 600);
    std::size_t size() const { return entries_.size(); }

private:
    struct Entry {
        unsigned int gl_name = 0;
        int width = 0;
        int height = 0;
        std::uint64_t generation = 0;
        std::uint64_t last_used = 0;
    };
    void upload(Entry& entry, const cv::Mat& image);

    std::unordered_map<std::string, Entry> entries_;
    std::uint64_t frame_ = 0;
};

// Decodes JPEG/PNG bytes into BGR; empty Mat when they are not an image.
cv::Mat decodeImage(std::span<const std::uint8_t> encoded);

}  // namespace vigil::gui
