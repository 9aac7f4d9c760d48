#include "server/security/RecordSealer.hpp"

#include <openssl/crypto.h>

#include <bit>
#include <cstring>
#include <limits>

namespace vigil::server::security {

static_assert(sizeof(float) == 4 && std::numeric_limits<float>::is_iec559);

std::string RecordLocation::associatedData() const {
    return std::string(table) + ":" + row;
}

const crypto::Bytes& OpenedRecord::bytes() const {
    if (status_ != Status::Authentic) throw TamperedRecordError(location_);
    return bytes_;
}

crypto::Bytes OpenedRecord::takeBytes() {
    if (status_ != Status::Authentic) throw TamperedRecordError(location_);
    return std::move(bytes_);
}

RecordSealer::~RecordSealer() { OPENSSL_cleanse(key_.data(), key_.size()); }

crypto::Bytes RecordSealer::seal(const RecordLocation& where, std::span<const std::uint8_t> plaintext) const {
    if (where.table.empty() || where.table.find(':') != std::string_view::npos)
        throw std::invalid_argument("a record's table name must be non-empty and hold no ':'");
    return crypto::seal(key_, plaintext, where.associatedData());
}

OpenedRecord RecordSealer::open(const RecordLocation& where, std::span<const std::uint8_t> sealed) const {
    std::string location = where.associatedData();
    auto plaintext = crypto::open(key_, sealed, location);
    if (!plaintext) return OpenedRecord(OpenedRecord::Status::Tampered, std::move(location), {});
    return OpenedRecord(OpenedRecord::Status::Authentic, std::move(location), std::move(*plaintext));
}

crypto::Bytes RecordSealer::sealFloats(const RecordLocation& where, std::span<const float> values) const {
    crypto::Bytes raw(values.size() * 4);
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto bits = std::bit_cast<std::uint32_t>(values[i]);
        for (int b = 0; b < 4; ++b) raw[i * 4 + b] = static_cast<std::uint8_t>(bits >> (8 * b));
    }
    auto sealed = seal(where, raw);
    OPENSSL_cleanse(raw.data(), raw.size());
    return sealed;
}

std::optional<std::vector<float>> RecordSealer::openFloats(const RecordLocation& where,
                                                           std::span<const std::uint8_t> sealed) const {
    OpenedRecord record = open(where, sealed);
    if (record.tampered() || record.bytes().size() % 4 != 0) return std::nullopt;
    const crypto::Bytes& raw = record.bytes();
    std::vector<float> values(raw.size() / 4);
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::uint32_t bits = 0;
        for (int b = 0; b < 4; ++b) bits |= std::uint32_t{raw[i * 4 + b]} << (8 * b);
        values[i] = std::bit_cast<float>(bits);
    }
    return values;
}

}  // namespace vigil::server::security
