#include "server/security/Base32.hpp"
#include "server/security/QrCode.hpp"
#include "server/security/Totp.hpp"

#include <doctest/doctest.h>

#include "support/TestCerts.hpp"

#include <opencv2/imgcodecs.hpp>

#include <cstdlib>
#include <fstream>

using namespace vigil::server::security;
using Verdict = TotpCheck::Verdict;
using vigil::test::TempDir;

namespace {

std::vector<std::uint8_t> ascii(std::string_view s) { return {s.begin(), s.end()}; }

struct RfcVector {
    std::int64_t time;
    const char* sha1;
    const char* sha256;
    const char* sha512;
};

// RFC 6238 Appendix B (8-digit codes).
constexpr RfcVector kRfc6238[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
};

}  // namespace

TEST_CASE("TOTP codes match the RFC 6238 Appendix B vectors") {
    const auto seed20 = ascii("12345678901234567890");
    const auto seed32 = ascii("12345678901234567890123456789012");
    const auto seed64 = ascii("1234567890123456789012345678901234567890123456789012345678901234");
    for (const RfcVector& v : kRfc6238) {
        CAPTURE(v.time);
        CHECK(totpCode(seed20, v.time, {TotpHash::Sha1, 8}) == v.sha1);
        CHECK(totpCode(seed32, v.time, {TotpHash::Sha256, 8}) == v.sha256);
        CHECK(totpCode(seed64, v.time, {TotpHash::Sha512, 8}) == v.sha512);
        // Six digits (Vigil's setting) are the same truncation modulo 10^6.
        CHECK(totpCode(seed20, v.time) == std::string(v.sha1).substr(2));
    }
}

TEST_CASE("a TOTP code is accepted one step early or late but not two") {
    const auto secret = generateTotpSecret();
    CHECK(secret.size() == 20);
    const std::int64_t now = 1'800'000'015;
    const std::uint64_t step = totpStep(now);
    for (int offset : {-1, 0, 1}) {
        const auto code = totpCodeAtStep(secret, step + static_cast<std::uint64_t>(offset));
        const TotpCheck check = verifyTotp(secret, code, now, std::nullopt);
        CHECK(check.accepted());
        CHECK(check.step == step + static_cast<std::uint64_t>(offset));
    }
    for (int offset : {-2, 2}) {
        const auto code = totpCodeAtStep(secret, step + static_cast<std::uint64_t>(offset));
        // Skip the 1-in-10^6 chance that the far code equals a near one.
        bool collides = false;
        for (int near : {-1, 0, 1})
            collides = collides || code == totpCodeAtStep(secret, step + static_cast<std::uint64_t>(near));
        if (!collides) CHECK(verifyTotp(secret, code, now, std::nullopt).verdict == Verdict::Wrong);
    }
}

TEST_CASE("a TOTP code is refused when replayed, and so is an older one") {
    const auto secret = ascii("12345678901234567890");
    const std::int64_t now = 1111111111;
    const auto code = totpCode(secret, now);
    const TotpCheck first = verifyTotp(secret, code, now, std::nullopt);
    REQUIRE(first.accepted());
    CHECK(verifyTotp(secret, code, now, first.step).verdict == Verdict::Replayed);
    CHECK(verifyTotp(secret, code, now + 20, first.step).verdict == Verdict::Replayed);
    // The previous step's code, still inside the drift window, is older than the used one.
    const auto older = totpCodeAtStep(secret, first.step - 1);
    CHECK(verifyTotp(secret, older, now, first.step).verdict == Verdict::Replayed);
    // The next step is fine.
    const auto next = totpCodeAtStep(secret, first.step + 1);
    CHECK(verifyTotp(secret, next, now + 30, first.step).accepted());
}

TEST_CASE("malformed TOTP codes are refused without a comparison") {
    const auto secret = generateTotpSecret();
    for (const char* bad : {"", "12345", "1234567", "12a456", " 123456", "123 456", "-12345"})
        CHECK(verifyTotp(secret, bad, 1'700'000'000, std::nullopt).verdict == Verdict::Malformed);
}

TEST_CASE("base32 follows RFC 4648 and rejects what no encoder produces") {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""}, {"f", "MY"}, {"fo", "MZXQ"}, {"foo", "MZXW6"}, {"foob", "MZXW6YQ"},
        {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"}};
    for (auto [plain, encoded] : vectors) {
        CHECK(base32Encode(ascii(plain)) == encoded);
        CHECK(base32Decode(encoded) == ascii(plain));
    }
    CHECK(base32Decode("mzxw6ytboi") == ascii("foobar"));
    CHECK(base32Decode("MZXW6YQ=") == ascii("foob"));
    CHECK_FALSE(base32Decode("MZXW1").has_value());   // '1' is not in the alphabet
    CHECK_FALSE(base32Decode("M").has_value());       // impossible length
    CHECK_FALSE(base32Decode("MY=Y").has_value());    // data after padding
    const auto secret = generateTotpSecret();
    CHECK(base32Decode(base32Encode(secret)) == secret);
}

TEST_CASE("the otpauth URI carries the secret, issuer and parameters, label percent-encoded") {
    const auto secret = ascii("12345678901234567890");
    CHECK(otpauthUri("Vigil HQ", "ann@hq", secret) ==
          "otpauth://totp/Vigil%20HQ:ann%40hq?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
          "&issuer=Vigil%20HQ&algorithm=SHA1&digits=6&period=30");
}

TEST_CASE("the enrolment QR code decodes back to the otpauth URI") {
    const std::string uri = otpauthUri("Vigil HQ", "operator1", generateTotpSecret());
    const QrMatrix qr = encodeQr(uri);
    CHECK(qr.size >= 21);
    CHECK((qr.size - 17) % 4 == 0);  // QR versions are 21, 25, 29, ... modules wide
    const cv::Mat image = renderQr(qr, 6);
    CHECK(image.type() == CV_8UC1);
    CHECK(image.cols == (qr.size + 8) * 6);
    // Every module is drawn where and how the matrix says (sampled at its centre).
    for (int y = 0; y < qr.size; ++y)
        for (int x = 0; x < qr.size; ++x)
            REQUIRE((image.at<std::uint8_t>((y + 4) * 6 + 3, (x + 4) * 6 + 3) == 0) == qr.isDark(x, y));
    // And an independent decoder (zbarimg from Debian's zbar-tools; Debian's
    // OpenCV is built without its QR decoder) reads the URI back.
    TempDir dir("qr");
    REQUIRE(cv::imwrite((dir.path / "qr.png").string(), image));
    const std::string command = "zbarimg --quiet --nodbus --raw -Sdisable -Sqrcode.enable '" +
                                (dir.path / "qr.png").string() + "' > '" + (dir.path / "out.txt").string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    std::ifstream decoded(dir.path / "out.txt");
    std::string line;
    std::getline(decoded, line);
    CHECK(line == uri);

    const auto png = renderQrPng(uri);
    REQUIRE(png.size() > 8);
    CHECK(png[1] == 'P');
    CHECK(png[2] == 'N');
    CHECK(png[3] == 'G');

    const std::string terminal = renderQrForTerminal(qr);
    CHECK(std::count(terminal.begin(), terminal.end(), '\n') == (qr.size + 4 + 1) / 2);
}

TEST_CASE("text too long for any QR code is refused with an error") {
    CHECK_THROWS_AS((void)encodeQr(std::string(8000, 'x')), std::runtime_error);
}
