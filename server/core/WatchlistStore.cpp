#include "server/core/WatchlistStore.hpp"

#include <algorithm>
#include <iostream>

namespace vigil::server {
namespace {

constexpr const char* kPersonColumns =
    "id, name, reason, danger, notes, created_at, updated_at, created_by, thumbnail";

}  // namespace

const std::vector<std::string>& WatchlistStore::migrations() {
    static const std::vector<std::string> list{
        R"sql(
        CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO meta(key, value) VALUES('version', 0);
        CREATE TABLE persons(
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            name       TEXT NOT NULL,
            reason     TEXT NOT NULL,
            danger     INTEGER NOT NULL CHECK (danger BETWEEN 0 AND 3),
            notes      TEXT NOT NULL,
            status     TEXT NOT NULL DEFAULT 'active',
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            version    INTEGER NOT NULL,
            thumbnail  BLOB NOT NULL          -- sealed
        );
        CREATE INDEX persons_by_version ON persons(version);
        CREATE TABLE aliases(
            person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
            position  INTEGER NOT NULL,
            alias     TEXT NOT NULL,
            PRIMARY KEY(person_id, position)
        );
        CREATE TABLE photos(
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            person_id         INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
            image             BLOB NOT NULL,  -- sealed
            descriptor        BLOB NOT NULL,  -- sealed, 128 little-endian floats
            quality           REAL NOT NULL,
            model_fingerprint TEXT NOT NULL,
            created_at        INTEGER NOT NULL
        );
        CREATE INDEX photos_by_person ON photos(person_id);
        CREATE TABLE tombstones(
            person_id  INTEGER PRIMARY KEY,
            version    INTEGER NOT NULL,
            removed_at INTEGER NOT NULL
        );
        CREATE TABLE sightings(
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            report_id       TEXT NOT NULL UNIQUE,
            person_id       INTEGER NOT NULL,
            person_name     TEXT NOT NULL,
            danger          INTEGER NOT NULL,
            station         TEXT NOT NULL,
            has_coordinates INTEGER NOT NULL,
            latitude        REAL NOT NULL,
            longitude       REAL NOT NULL,
            place           TEXT NOT NULL,
            distance        REAL NOT NULL,
            observed_at_ms  INTEGER NOT NULL,
            received_at_ms  INTEGER NOT NULL,
            snapshot        BLOB NOT NULL,    -- sealed
            probe           BLOB NOT NULL,    -- sealed
            review          TEXT NOT NULL DEFAULT 'pending'  -- issue 9: pending / confirmed / dismissed
        );
        CREATE INDEX sightings_by_time ON sightings(received_at_ms);
        CREATE TABLE audit(
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            at_ms     INTEGER NOT NULL,
            actor     TEXT NOT NULL,
            address   TEXT NOT NULL,
            action    TEXT NOT NULL,
            target    TEXT NOT NULL,
            detail    TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash      TEXT NOT NULL
        );
        )sql",
        // 2 (issue 9): who decided a sighting, when and why; the runner-up;
        // "not this person" examples. A negative is a look-alike's face,
        // biometric data like a photo descriptor: sealed, bound to its row,
        // and removed with its person.
        R"sql(
        ALTER TABLE sightings ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';
        ALTER TABLE sightings ADD COLUMN decided_at_ms INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sightings ADD COLUMN dismiss_reason INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sightings ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
        ALTER TABLE sightings ADD COLUMN runner_up_id INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE sightings ADD COLUMN runner_up_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE sightings ADD COLUMN runner_up_distance REAL NOT NULL DEFAULT 0;
        ALTER TABLE sightings ADD COLUMN decision_seq INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX sightings_by_review ON sightings(review, id);
        CREATE INDEX sightings_by_decision ON sightings(decision_seq);
        INSERT INTO meta(key, value) VALUES('decisions', 0);
        CREATE TABLE person_negatives(
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            person_id         INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
            sighting_id       INTEGER NOT NULL,
            descriptor        BLOB NOT NULL,  -- sealed, 128 little-endian floats
            model_fingerprint TEXT NOT NULL,
            created_at        INTEGER NOT NULL,
            created_by        TEXT NOT NULL
        );
        CREATE INDEX negatives_by_person ON person_negatives(person_id);
        )sql",
        // 3 (issue 7): the audit chain is security::AuditChain's (binary
        // canonical encoding). Rows written before keep their format-0 links,
        // which `audit verify` still checks; the chain continues from them.
        R"sql(
        ALTER TABLE audit ADD COLUMN format INTEGER NOT NULL DEFAULT 0;
        )sql",
    };
    return list;
}

WatchlistStore::WatchlistStore(const std::filesystem::path& file, const crypto::Key256& dataKey)
    : db_(Database::open(file, migrations())), sealer_(dataKey) {}

// The records are security::RecordSealer's (AES-256-GCM, "what:id" bound as
// associated data); the store only reports the ones that fail.
protocol::Bytes WatchlistStore::seal(std::span<const std::uint8_t> plain, const std::string& what, std::int64_t id) {
    return sealer_.seal({what, id}, plain);
}

void WatchlistStore::reportTampered(const std::string& what, std::int64_t id) {
    ++integrityFailures_;
    std::cerr << "vigil-server: integrity: " << what << " of row " << id
              << " failed authentication (altered or sealed under another key); not served\n";
}

std::optional<protocol::Bytes> WatchlistStore::open(std::span<const std::uint8_t> record, const std::string& what,
                                                    std::int64_t id) {
    auto opened = sealer_.open({what, id}, record);
    if (opened.tampered()) {
        reportTampered(what, id);
        return std::nullopt;
    }
    return opened.takeBytes();
}

protocol::Bytes WatchlistStore::sealDescriptor(const protocol::Descriptor& d, const std::string& what, std::int64_t id) {
    return sealer_.sealFloats({what, id}, d);
}

std::optional<protocol::Descriptor> WatchlistStore::openDescriptor(std::span<const std::uint8_t> record,
                                                                   const std::string& what, std::int64_t id) {
    const auto values = sealer_.openFloats({what, id}, record);
    protocol::Descriptor d{};
    if (!values || values->size() != d.size()) {
        reportTampered(what, id);
        return std::nullopt;
    }
    std::copy(values->begin(), values->end(), d.begin());
    return d;
}

std::uint64_t WatchlistStore::bumpVersion() {
    db_.prepare("UPDATE meta SET value = value + 1 WHERE key = 'version'").run();
    auto st = db_.prepare("SELECT value FROM meta WHERE key = 'version'");
    st.step();
    return static_cast<std::uint64_t>(st.int64(0));
}

std::uint64_t WatchlistStore::version() {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("SELECT value FROM meta WHERE key = 'version'");
    return st.step() ? static_cast<std::uint64_t>(st.int64(0)) : 0;
}

std::pair<std::uint64_t, std::uint64_t> WatchlistStore::addPerson(const protocol::PersonDetails& d,
                                                                  const std::vector<EnrolledPhoto>& photos,
                                                                  const protocol::Bytes& thumbnailJpeg,
                                                                  const std::string& createdBy,
                                                                  std::int64_t now) {
    std::lock_guard lock(mutex_);
    Database::Transaction tx(db_);
    const auto version = bumpVersion();
    db_.prepare("INSERT INTO persons(name, reason, danger, notes, created_at, updated_at, created_by, version, "
                "thumbnail) VALUES(?,?,?,?,?,?,?,?,x'')")
        .bindAll(d.name, d.reason, static_cast<int>(d.danger), d.notes, now, now, createdBy, version)
        .run();
    const auto id = db_.lastInsertId();
    db_.prepare("UPDATE persons SET thumbnail = ? WHERE id = ?")
        .bindAll(seal(thumbnailJpeg, "person.thumbnail", id), id)
        .run();
    for (std::size_t i = 0; i < d.aliases.size(); ++i)
        db_.prepare("INSERT INTO aliases(person_id, position, alias) VALUES(?,?,?)")
            .bindAll(id, static_cast<std::int64_t>(i), d.aliases[i])
            .run();
    for (const auto& photo : photos) {
        db_.prepare("INSERT INTO photos(person_id, image, descriptor, quality, model_fingerprint, created_at) "
                    "VALUES(?, x'', x'', ?, ?, ?)")
            .bindAll(id, static_cast<double>(photo.quality), photo.model_fingerprint, now)
            .run();
        const auto photoId = db_.lastInsertId();
        db_.prepare("UPDATE photos SET image = ?, descriptor = ? WHERE id = ?")
            .bindAll(seal(photo.image, "photo.image", photoId),
                     sealDescriptor(photo.descriptor, "photo.descriptor", photoId), photoId)
            .run();
    }
    tx.commit();
    return {static_cast<std::uint64_t>(id), version};
}

std::optional<std::uint64_t> WatchlistStore::updatePerson(std::uint64_t id, const protocol::PersonDetails& d,
                                                          std::int64_t now) {
    std::lock_guard lock(mutex_);
    Database::Transaction tx(db_);
    auto exists = db_.prepare("SELECT 1 FROM persons WHERE id = ?");
    exists.bind(1, id);
    if (!exists.step()) return std::nullopt;
    const auto version = bumpVersion();
    db_.prepare("UPDATE persons SET name = ?, reason = ?, danger = ?, notes = ?, updated_at = ?, version = ? "
                "WHERE id = ?")
        .bindAll(d.name, d.reason, static_cast<int>(d.danger), d.notes, now, version, id)
        .run();
    db_.prepare("DELETE FROM aliases WHERE person_id = ?").bindAll(id).run();
    for (std::size_t i = 0; i < d.aliases.size(); ++i)
        db_.prepare("INSERT INTO aliases(person_id, position, alias) VALUES(?,?,?)")
            .bindAll(id, static_cast<std::int64_t>(i), d.aliases[i])
            .run();
    tx.commit();
    return version;
}

std::optional<std::uint64_t> WatchlistStore::removePerson(std::uint64_t id, std::int64_t now) {
    std::lock_guard lock(mutex_);
    Database::Transaction tx(db_);
    db_.prepare("DELETE FROM persons WHERE id = ?").bindAll(id).run();
    if (db_.changes() == 0) return std::nullopt;
    const auto version = bumpVersion();
    db_.prepare("INSERT OR REPLACE INTO tombstones(person_id, version, removed_at) VALUES(?,?,?)")
        .bindAll(id, version, now)
        .run();
    // Photos, descriptors and aliases went with the person (ON DELETE CASCADE,
    // as do tables of later issues that reference persons). Its sightings stay
    // as records of what happened, without the face: snapshot and probe erased.
    db_.prepare("UPDATE sightings SET snapshot = x'', probe = x'' WHERE person_id = ?").bindAll(id).run();
    tx.commit();
    // secure_delete zeroed the freed cells; now the free pages and the WAL.
    if (!db_.reclaimFreedPages())
        std::cerr << "vigil-server: the WAL of the watchlist could not be truncated yet (a reader was active); "
                     "the removed records leave it at the next checkpoint\n";
    return version;
}

protocol::PersonDetails WatchlistStore::readDetails(std::int64_t id, Statement& row) {
    protocol::PersonDetails d;
    d.name = row.text(1);
    d.reason = row.text(2);
    d.danger = static_cast<protocol::DangerLevel>(row.int64(3));
    d.notes = row.text(4);
    auto aliases = db_.prepare("SELECT alias FROM aliases WHERE person_id = ? ORDER BY position");
    aliases.bind(1, id);
    while (aliases.step()) d.aliases.push_back(aliases.text(0));
    return d;
}

std::optional<PersonSummary> WatchlistStore::person(std::uint64_t id) {
    for (auto& p : persons())
        if (p.id == id) return p;
    return std::nullopt;
}

std::vector<PersonSummary> WatchlistStore::persons() {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare(std::string("SELECT ") + kPersonColumns +
                          ", (SELECT COUNT(*) FROM photos WHERE person_id = persons.id) FROM persons ORDER BY id");
    std::vector<PersonSummary> out;
    while (st.step()) {
        PersonSummary p;
        p.id = static_cast<std::uint64_t>(st.int64(0));
        p.details = readDetails(st.int64(0), st);
        p.created_at = st.int64(5);
        p.updated_at = st.int64(6);
        p.created_by = st.text(7);
        p.photo_count = static_cast<std::size_t>(st.int64(9));
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<protocol::WantedPerson> WatchlistStore::readWanted(const std::string& where, std::uint64_t after,
                                                               const std::string& fingerprint) {
    auto st = db_.prepare(std::string("SELECT ") + kPersonColumns + " FROM persons " + where + " ORDER BY id");
    st.bind(1, after);
    std::vector<protocol::WantedPerson> out;
    while (st.step()) {
        protocol::WantedPerson w;
        const auto id = st.int64(0);
        w.id = static_cast<std::uint64_t>(id);
        w.details = readDetails(id, st);
        w.updated_at = st.int64(6);
        if (auto thumb = open(st.blob(8), "person.thumbnail", id)) w.thumbnail_jpeg = std::move(*thumb);
        auto photos = db_.prepare("SELECT id, descriptor, quality FROM photos WHERE person_id = ? AND "
                                  "model_fingerprint = ? ORDER BY id");
        photos.bindAll(id, fingerprint);
        while (photos.step()) {
            const auto photoId = photos.int64(0);
            const auto descriptor = openDescriptor(photos.blob(1), "photo.descriptor", photoId);
            if (!descriptor) continue;  // reported; never served
            w.faces.push_back({static_cast<std::uint64_t>(photoId), *descriptor, static_cast<float>(photos.real(2))});
        }
        auto negatives = db_.prepare("SELECT id, descriptor FROM person_negatives WHERE person_id = ? AND "
                                     "model_fingerprint = ? ORDER BY id");
        negatives.bindAll(id, fingerprint);
        while (negatives.step()) {
            if (const auto descriptor = openDescriptor(negatives.blob(1), "negative.descriptor", negatives.int64(0)))
                w.negatives.push_back(*descriptor);
        }
        out.push_back(std::move(w));
    }
    return out;
}

std::vector<protocol::Bytes> WatchlistStore::photoImages(std::uint64_t personId) {
    std::lock_guard lock(mutex_);
    auto st = db_.prepare("SELECT id, image FROM photos WHERE person_id = ? ORDER BY id");
    st.bind(1, personId);
    std::vector<protocol::Bytes> out;
    while (st.step())
        if (auto image = open(st.blob(1), "photo.image", st.int64(0))) out.push_back(std::move(*image));
    return out;
}

std::optional<protocol::WantedPerson> WatchlistStore::wantedPerson(std::uint64_t id, const std::string& fingerprint) {
    std::lock_guard lock(mutex_);
    auto found = readWanted("WHERE id = ?", id, fingerprint);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
}

std::vector<protocol::WatchlistDelta> WatchlistStore::deltaSince(std::uint64_t have, const std::string& fingerprint,
                                                                 std::size_t pageSize) {
    std::lock_guard lock(mutex_);
    // One read transaction: the persons and tombstones belong to one version.
    db_.exec("BEGIN");
    struct EndRead {
        Database& db;
        ~EndRead() {
            try {
                db.exec("COMMIT");
            } catch (...) {
            }
        }
    } endRead{db_};
    auto v = db_.prepare("SELECT value FROM meta WHERE key = 'version'");
    v.step();
    const auto current = static_cast<std::uint64_t>(v.int64(0));
    // A station ahead of us (e.g. the database was restored) starts over.
    const bool full = have == 0 || have > current;
    auto persons = readWanted(full ? "WHERE ? >= 0" : "WHERE version > ?", full ? 0 : have, fingerprint);
    std::vector<std::uint64_t> removed;
    if (!full) {
        auto st = db_.prepare("SELECT person_id FROM tombstones WHERE version > ? ORDER BY person_id");
        st.bind(1, have);
        while (st.step()) removed.push_back(static_cast<std::uint64_t>(st.int64(0)));
    }
    std::vector<protocol::WatchlistDelta> pages;
    std::size_t next = 0;
    do {
        protocol::WatchlistDelta page;
        page.from_version = full ? 0 : have;
        page.to_version = current;
        page.full = full;
        page.model_fingerprint = fingerprint;
        for (std::size_t i = 0; i < pageSize && next < persons.size(); ++i) page.upserts.push_back(std::move(persons[next++]));
        if (pages.empty()) page.removed_ids = removed;
        pages.push_back(std::move(page));
    } while (next < persons.size());
    for (std::size_t i = 0; i + 1 < pages.size(); ++i) pages[i].more = true;
    return pages;
}

std::string WatchlistStore::integrityCheck() {
    std::lock_guard lock(mutex_);
    return db_.integrityCheck();
}

}  // namespace vigil::server
