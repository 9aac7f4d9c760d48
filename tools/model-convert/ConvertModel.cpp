// vigil-convert-model: fills dlib's face-recognition ResNet (anet_type of
// dnn_face_recognition_ex.cpp) with the TensorFlow.js port of its weights
// shipped by the npm package @vladmandic/face-api, and serialises it with
// dlib's own serialisation so the result loads exactly like the official
// dlib_face_recognition_resnet_model_v1.dat.
//
// Usage: vigil-convert-model MANIFEST.json OUTPUT.dat
// The weight files named by the manifest are read from the manifest's folder.
#include "ResNetDefinition.hpp"

#include <nlohmann/json.hpp>

#include <bit>
#include <cstdint>
#include <cstring>
#include <functional>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace {

namespace fs = std::filesystem;
using vigil::recognition::detail::anet_type;

struct Tensor {
    std::string name;
    std::vector<long> shape;
    std::vector<float> values;
};

std::vector<unsigned char> readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Decodes every tensor of the manifest in file order. TF.js stores the
// weight groups' files back to back; quantised tensors are uint8 with
// value = q * scale + min, which tfjs computes in double precision and stores
// as float32 - done the same way here so both sides hold identical weights.
std::vector<Tensor> readTensors(const fs::path& manifestPath) {
    std::ifstream in(manifestPath);
    if (!in) throw std::runtime_error("cannot open " + manifestPath.string());
    const nlohmann::json manifest = nlohmann::json::parse(in);

    std::vector<Tensor> tensors;
    for (const auto& group : manifest) {
        std::vector<unsigned char> bytes;
        for (const auto& file : group.at("paths")) {
            const auto part = readFile(manifestPath.parent_path() / file.get<std::string>());
            bytes.insert(bytes.end(), part.begin(), part.end());
        }
        std::size_t offset = 0;
        for (const auto& spec : group.at("weights")) {
            Tensor t;
            t.name = spec.at("name").get<std::string>();
            t.shape = spec.at("shape").get<std::vector<long>>();
            std::size_t count = 1;
            for (long d : t.shape) count *= static_cast<std::size_t>(d);
            t.values.resize(count);

            if (spec.contains("quantization")) {
                const auto& q = spec.at("quantization");
                if (q.at("dtype") != "uint8")
                    throw std::runtime_error(t.name + ": only uint8 quantisation is supported");
                const double scale = q.at("scale").get<double>();
                const double min = q.at("min").get<double>();
                if (offset + count > bytes.size()) throw std::runtime_error(t.name + ": weights file too short");
                for (std::size_t i = 0; i < count; ++i)
                    t.values[i] = static_cast<float>(bytes[offset + i] * scale + min);
                offset += count;
            } else {
                if (spec.at("dtype") != "float32") throw std::runtime_error(t.name + ": unsupported dtype");
                if (offset + 4 * count > bytes.size()) throw std::runtime_error(t.name + ": weights file too short");
                // The files are little-endian, as is every machine Vigil targets.
                static_assert(std::endian::native == std::endian::little);
                std::memcpy(t.values.data(), bytes.data() + offset, 4 * count);
                offset += 4 * count;
            }
            tensors.push_back(std::move(t));
        }
        if (offset != bytes.size()) throw std::runtime_error("weights file has trailing bytes");
    }
    return tensors;
}

template <typename T>
struct IsCon : std::false_type {};
template <long nf, long nr, long nc, int sy, int sx, int py, int px>
struct IsCon<dlib::con_<nf, nr, nc, sy, sx, py, px>> : std::true_type {};
template <typename T>
struct IsFc : std::false_type {};
template <unsigned long n, dlib::fc_bias_mode m>
struct IsFc<dlib::fc_<n, m>> : std::true_type {};

class TensorQueue {
public:
    explicit TensorQueue(std::vector<Tensor> t) : tensors_(std::move(t)) {}
    const Tensor& next(const std::string& expectedSuffix) {
        if (next_ >= tensors_.size()) throw std::runtime_error("manifest has fewer tensors than the network");
        const Tensor& t = tensors_[next_++];
        if (!t.name.ends_with(expectedSuffix))
            throw std::runtime_error("expected a tensor ending in '" + expectedSuffix + "', found " + t.name);
        return t;
    }
    bool finished() const { return next_ == tensors_.size(); }

private:
    std::vector<Tensor> tensors_;
    std::size_t next_ = 0;
};

void copyChecked(const Tensor& t, float* dst, std::size_t count) {
    if (t.values.size() != count)
        throw std::runtime_error(t.name + ": " + std::to_string(t.values.size()) + " values, network wants " +
                                 std::to_string(count));
    std::copy(t.values.begin(), t.values.end(), dst);
}

void fillNetwork(anet_type& net, TensorQueue& tensors) {
    // Layers are visited from the loss towards the input; the manifest goes
    // from the input towards the output, so collect first, then walk backwards.
    std::vector<std::function<void()>> fillers;
    bool firstConv = true;  // assigned in input order below
    visit_computational_layers(net, [&](auto& layer) {
        using L = std::decay_t<decltype(layer)>;
        if constexpr (IsCon<L>::value) {
            fillers.push_back([&layer, &tensors, &firstConv] {
                const Tensor& filters = tensors.next("/conv/filters");
                const Tensor& bias = tensors.next("/conv/bias");
                // TF.js kernels are HWIO [h, w, in, out]; dlib filters are (out, in, h, w).
                const long h = filters.shape.at(0), w = filters.shape.at(1), in = filters.shape.at(2),
                           out = filters.shape.at(3);
                if (out != layer.num_filters() || h != layer.nr() || w != layer.nc())
                    throw std::runtime_error(filters.name + ": shape does not match the network");
                auto& params = layer.get_layer_params();
                const std::size_t filterCount = static_cast<std::size_t>(h * w * in * out);
                if (params.size() != filterCount + static_cast<std::size_t>(out))
                    throw std::runtime_error(filters.name + ": parameter count does not match");
                // face-api feeds (pixel - mean) / 255 while dlib's input layer
                // feeds (pixel - mean) / 256; the first convolution is linear
                // in its input, so folding 256/255 into its kernel makes both
                // networks compute the same function.
                const float inputRescale = firstConv ? 256.0f / 255.0f : 1.0f;
                firstConv = false;
                float* dst = params.host();
                for (long o = 0; o < out; ++o)
                    for (long c = 0; c < in; ++c)
                        for (long y = 0; y < h; ++y)
                            for (long x = 0; x < w; ++x)
                                dst[((o * in + c) * h + y) * w + x] =
                                    filters.values[static_cast<std::size_t>(((y * w + x) * in + c) * out + o)] *
                                    inputRescale;
                copyChecked(bias, dst + filterCount, static_cast<std::size_t>(out));
            });
        } else if constexpr (std::is_same_v<L, dlib::affine_>) {
            fillers.push_back([&layer, &tensors] {
                const Tensor& scale = tensors.next("/scale/weights");
                const Tensor& shift = tensors.next("/scale/biases");
                auto gamma = layer.get_gamma();
                auto beta = layer.get_beta();
                copyChecked(scale, gamma.host(), gamma.size());
                copyChecked(shift, beta.host(), beta.size());
            });
        } else if constexpr (IsFc<L>::value) {
            fillers.push_back([&layer, &tensors] {
                const Tensor& fc = tensors.next("fc");
                // TF.js computes x[256] * W[256,128]; dlib's fc_ params are
                // (inputs, outputs) used the same way, so no transpose here.
                auto& params = layer.get_layer_params();
                copyChecked(fc, params.host(), params.size());
            });
        }
    });
    for (auto it = fillers.rbegin(); it != fillers.rend(); ++it) (*it)();
    if (!tensors.finished()) throw std::runtime_error("manifest has more tensors than the network");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: vigil-convert-model face_recognition_model-weights_manifest.json OUTPUT.dat\n";
        return 2;
    }
    try {
        const fs::path manifest = argv[1];
        const fs::path output = argv[2];
        auto tensors = readTensors(manifest);
        std::cout << "read " << tensors.size() << " tensors from " << manifest << "\n";

        anet_type net;
        // A default-built affine_ is in FC_MODE (one scale per element); the
        // trained network has one scale per channel, as dlib produces when it
        // converts bn_con layers. Switch every affine before the first forward
        // pass allocates their parameters.
        visit_computational_layers(net, [](auto& layer) {
            if constexpr (std::is_same_v<std::decay_t<decltype(layer)>, dlib::affine_>)
                layer = dlib::affine_(dlib::CONV_MODE);
        });
        // One forward pass lays out every layer's parameter tensor.
        dlib::matrix<dlib::rgb_pixel> blank(150, 150);
        blank = dlib::rgb_pixel(0, 0, 0);
        net(blank);

        TensorQueue queue(std::move(tensors));
        fillNetwork(net, queue);

        net.clean();  // drop the forward pass's buffers: they would make the file non-deterministic
        const fs::path temporary = output.string() + ".partial";
        dlib::serialize(temporary.string()) << net;
        fs::rename(temporary, output);
        std::cout << "wrote " << output << " (" << fs::file_size(output) << " bytes)\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "vigil-convert-model: " << e.what() << "\n";
        return 1;
    }
}
