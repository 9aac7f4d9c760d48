// libFuzzer harness: the server's CAPTCHA answer check (CaptchaService::verify)
// against an independent model of what it must accept. Each input issues one
// real challenge (rendered image included) whose text the harness knows, then
// answers it with fuzzed bytes:
//   byte 0, bit 0: answer for the other purpose (Register instead of Login)
//          bit 1: present a fuzzed challenge id instead of the issued one
//          bit 2: answer after the challenge expired
//   rest: the answer (with bit 1: "id\0answer")
// Accepted exactly when the id is the issued one, in time, for its purpose,
// and the answer is the text up to case and surrounding white space; and a
// challenge never verifies twice.
#include "server/core/CaptchaService.hpp"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

using namespace vigil::server;
using vigil::protocol::CaptchaPurpose;

namespace {

constexpr std::string_view kText = "AC7DF3";

class KnownText : public CaptchaTextSource {
public:
    std::string next() override { return std::string(kText); }
};

std::int64_t g_nowMs = 1'700'000'000'000;

bool modelAccepts(std::string_view answer) {
    auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!answer.empty() && space(answer.front())) answer.remove_prefix(1);
    while (!answer.empty() && space(answer.back())) answer.remove_suffix(1);
    if (answer.size() != kText.size()) return false;
    for (std::size_t i = 0; i < answer.size(); ++i) {
        const char c = answer[i];
        const char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        if (upper != kText[i]) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static CaptchaService service(std::make_unique<KnownText>(), [] { return g_nowMs; },
                                  CaptchaLimits{120'000, 64, 64});
    if (size == 0) return 0;
    const std::uint8_t flags = data[0];
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);

    g_nowMs += 1;
    const auto issued = service.issue(CaptchaPurpose::Login, "192.0.2.1");
    if (!issued) std::abort();  // one open challenge at a time can never hit a limit

    std::string id = issued->id;
    const bool fuzzedId = (flags & 2) != 0;
    if (fuzzedId) {
        const auto nul = rest.find('\0');
        id = std::string(rest.substr(0, nul));
        rest = nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);
    }
    const bool otherPurpose = (flags & 1) != 0;
    const bool late = (flags & 4) != 0;
    if (late) g_nowMs += 120'000;

    const bool accepted = service.verify(id, rest, otherPurpose ? CaptchaPurpose::Register : CaptchaPurpose::Login);
    const bool expected = (!fuzzedId || id == issued->id) && !otherPurpose && !late && modelAccepts(rest);
    if (accepted != expected) std::abort();
    // Single use: whatever happened, the issued challenge is gone now, unless
    // a fuzzed id left it open; then answer it correctly to close it.
    if (service.verify(issued->id, kText, CaptchaPurpose::Login) != (fuzzedId && id != issued->id && !late))
        std::abort();
    if (service.openCount() != 0) std::abort();
    return 0;
}
