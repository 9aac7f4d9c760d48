// Seeds for fuzz_message_bodies: for every message type, three filled-in
// messages as "type byte + body archive", the input format of that harness.
#include "protocol/FillArchive.hpp"
#include "protocol/Messages.hpp"

#include <cereal/archives/portable_binary.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace vigil::protocol;

template <std::size_t... I>
void writeSeeds(const std::filesystem::path& dir, std::index_sequence<I...>) {
    (
        [&] {
            for (std::uint32_t seed = 1; seed <= 3; ++seed) {
                vigil::test::FillArchive fill(seed);
                std::variant_alternative_t<I, Message> message;
                fill(message);
                std::ostringstream out(std::ios::binary);
                out.put(static_cast<char>(I));
                {
                    cereal::PortableBinaryOutputArchive ar(
                        out, cereal::PortableBinaryOutputArchive::Options::LittleEndian());
                    ar(message);
                }
                std::ofstream(dir / (std::string(messageName(I)) + "-" + std::to_string(seed)), std::ios::binary)
                    << out.str();
            }
        }(),
        ...);
}

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_message_body_seeds DIR\n";
        return 2;
    }
    std::filesystem::create_directories(argv[1]);
    writeSeeds(argv[1], std::make_index_sequence<std::variant_size_v<Message>>{});
    return 0;
}
