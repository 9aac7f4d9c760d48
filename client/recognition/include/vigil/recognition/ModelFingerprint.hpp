// The identity of a descriptor model: the SHA-256 of its file. It travels
// with every descriptor set so that descriptors of different models (which
// are not comparable) are never matched against each other.
#pragma once

#include <filesystem>
#include <string>

namespace vigil::recognition {

// Lower-case hex SHA-256 of the file's bytes. Throws std::runtime_error when
// the file cannot be read.
std::string sha256OfFile(const std::filesystem::path& file);

// sha256OfFile of the descriptor network file.
std::string modelFingerprint(const std::filesystem::path& descriptorModelFile);

}  // namespace vigil::recognition
