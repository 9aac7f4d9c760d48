// Writes one valid frame of every message type into a corpus folder so the
// fuzzers start from the real grammar instead of random bytes.
#include "protocol/FillArchive.hpp"
#include "protocol/FrameCodec.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

using namespace vigil::protocol;

template <std::size_t... I>
void writeSeeds(const std::filesystem::path& dir, std::index_sequence<I...>) {
    (
        [&] {
            for (std::uint32_t seed = 1; seed <= 3; ++seed) {
                vigil::test::FillArchive fill(seed);
                Envelope env;
                env.request_id = seed;
                fill(env.message.emplace<I>());
                const auto frame = encodeFrame(env);
                std::ofstream(dir / (std::string(messageName(I)) + "-" + std::to_string(seed)),
                              std::ios::binary)
                    .write(reinterpret_cast<const char*>(frame.data()),
                           static_cast<std::streamsize>(frame.size()));
            }
        }(),
        ...);
}

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_fuzz_seeds DIR\n";
        return 2;
    }
    std::filesystem::create_directories(argv[1]);
    writeSeeds(argv[1], std::make_index_sequence<std::variant_size_v<Message>>{});
    return 0;
}
