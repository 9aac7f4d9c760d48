#pragma once
// Replacing a file so that a crash at any instant leaves either the old or
// the new content, never a torn mix: write a temporary file in the same
// directory, fsync it, rename it over the target, fsync the directory.

#include <filesystem>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <sys/types.h>

namespace vigil::server::security {

// Throws std::system_error naming the file on any failure; the target is then
// unchanged. `mode` is applied to the temporary before any byte is written, so
// a secret never exists on disk with wider permissions.
void writeFileAtomically(const std::filesystem::path& target, std::string_view content,
                         mode_t mode);

// Like writeFileAtomically, but never replaces an existing target: the new
// file is published with link(2), which fails if the name exists. Returns
// false (and leaves the existing file alone) in that case, so two processes
// creating the same file at once agree on one content.
bool publishFileExclusively(const std::filesystem::path& target, std::string_view content, mode_t mode);

// Whole file as bytes; throws std::system_error naming the file.
std::string readWholeFile(const std::filesystem::path& file);

}  // namespace vigil::server::security
