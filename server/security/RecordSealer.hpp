#pragma once
// Seals biometric records (photos, descriptors, sighting snapshots) with the
// data key from the KeyVault. Each record is bound to where it lives —
// "table:id" is the AES-GCM associated data — so a ciphertext copied into
// another row, or a photo swapped between two persons, fails to open exactly
// like a flipped byte does. A record that fails authentication comes back as
// a typed Tampered result that carries no bytes at all: there is nothing a
// caller could display by mistake.

#include "protocol/Crypto.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::server::security {

// Where a record lives. `table` names the table and, when one row holds more
// than one sealed column, the column: "photos", "photos.descriptor",
// "sightings.snapshot". The row is an integer id or, for tables keyed by
// text (users), that key. The table name holds no ':', so "table:row" is
// unambiguous.
struct RecordLocation {
    RecordLocation(std::string_view table, std::int64_t id) : table(table), row(std::to_string(id)) {}
    RecordLocation(std::string_view table, std::string_view key) : table(table), row(key) {}
    std::string_view table;
    std::string row;
    std::string associatedData() const;  // "table:row"
};

class TamperedRecordError : public std::runtime_error {
public:
    explicit TamperedRecordError(const std::string& where)
        : std::runtime_error("record " + where + " failed authentication (tampered or misplaced)") {}
};

class OpenedRecord {
public:
    enum class Status { Authentic, Tampered };

    Status status() const noexcept { return status_; }
    bool authentic() const noexcept { return status_ == Status::Authentic; }
    bool tampered() const noexcept { return status_ == Status::Tampered; }
    // "table:id" of the record, for the report of a tampered one.
    const std::string& location() const noexcept { return location_; }
    // The plaintext. Throws TamperedRecordError for a tampered record.
    const crypto::Bytes& bytes() const;
    crypto::Bytes takeBytes();

private:
    friend class RecordSealer;
    OpenedRecord(Status status, std::string location, crypto::Bytes bytes)
        : status_(status), location_(std::move(location)), bytes_(std::move(bytes)) {}
    Status status_;
    std::string location_;
    crypto::Bytes bytes_;
};

class RecordSealer {
public:
    explicit RecordSealer(const crypto::Key256& dataKey) : key_(dataKey) {}
    ~RecordSealer();
    RecordSealer(const RecordSealer&) = delete;
    RecordSealer& operator=(const RecordSealer&) = delete;

    // nonce(12) | ciphertext | tag(16), a fresh random nonce per call.
    crypto::Bytes seal(const RecordLocation& where, std::span<const std::uint8_t> plaintext) const;
    OpenedRecord open(const RecordLocation& where, std::span<const std::uint8_t> sealed) const;

    // Descriptors are float vectors; they are sealed as little-endian IEEE-754.
    crypto::Bytes sealFloats(const RecordLocation& where, std::span<const float> values) const;
    // Empty optional when tampered or not a whole number of floats.
    std::optional<std::vector<float>> openFloats(const RecordLocation& where,
                                                 std::span<const std::uint8_t> sealed) const;

private:
    crypto::Key256 key_;
};

}  // namespace vigil::server::security
