#pragma once
// Every setting of vigil-server in one table (Boost.ProgramOptions), read
// from the command line and from a config file alike (`--config FILE`, same
// names without the dashes). Defaults and help text live in that table only.

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>

#include "protocol/WireTypes.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vigil::server {

struct ServerConfig {
    // where
    std::filesystem::path data_dir = "var/hq";
    std::string listen_address = "0.0.0.0";
    std::uint16_t port = 7443;
    std::filesystem::path certificate;  // empty: <data-dir>/certs/server.pem
    std::filesystem::path private_key;  // empty: <data-dir>/certs/server-key.pem
    std::string server_name = "Vigil HQ";
    // key-encryption key of the data key (issue 7, server/security/DataKeyFiles.hpp)
    std::filesystem::path kek_file;             // empty: <data-dir>/kek.key
    std::filesystem::path kek_passphrase_file;  // set: the KEK is derived from this file's first line
    // mutual TLS (issue 7): stations must present a certificate from `vigil-server station enroll`
    bool require_station_certificates = false;
    std::filesystem::path stationCaDir() const { return data_dir / "certs"; }
    std::filesystem::path stationRegistry() const { return data_dir / "stations.registry"; }

    // threads
    unsigned io_threads = 2;
    unsigned worker_threads = 2;  // password hashing and database work

    // connections
    std::size_t max_connections = 4096;
    std::size_t max_connections_per_address = 64;
    std::uint32_t handshake_timeout_ms = 10'000;
    std::uint32_t login_timeout_ms = 120'000;
    std::uint32_t idle_timeout_ms = 60'000;  // a Ping is sent after this; no answer within as long closes
    std::uint32_t write_timeout_ms = 30'000;
    std::size_t max_queued_frames = 512;
    std::size_t max_queued_bytes = 64 * 1024 * 1024;
    std::uint32_t messages_per_second = 50;

    // accounts
    unsigned scrypt_log2n = 17;
    int login_free_failures = 3;
    int lockout_after_failures = 10;
    int address_free_failures = 20;      // per source address (NAT: many stations share one)
    int address_lockout_after_failures = 200;
    std::uint32_t lockout_seconds = 900;
    std::size_t registrations_per_address_per_hour = 3;
    std::size_t registrations_per_hour = 30;
    std::uint32_t captcha_ttl_seconds = 120;
    std::uint32_t session_idle_hours = 12;
    std::uint32_t session_absolute_hours = 24 * 7;
    // issue 7: admins and operators with a TOTP enrolled always need it; with
    // this set, those without one cannot log in over the network at all.
    bool require_staff_second_factor = false;
    // issue 7: live sessions are checked this often against changes made by
    // other processes (`user disable`, `station revoke` on the command line).
    std::uint32_t session_check_ms = 1000;

    // retention of sightings (issue 7), applied at start and hourly; 0 keeps forever
    std::uint32_t keep_snapshots_days = 90;
    std::uint32_t keep_sightings_days = 365;

    // match review (issue 9): danger levels whose sightings go to every
    // station at once (still marked unconfirmed); all others wait for an
    // operator's confirmation. Comma-separated level names, "none" or "all".
    std::string push_at_once = "extreme";
    bool pushesAtOnce(protocol::DangerLevel level) const;

    // watchlist
    std::uint32_t watch_interval_ms = 500;
    std::filesystem::path models_dir;  // empty: $HOME/.cache/vigil/models

    std::filesystem::path certificatePath() const;
    std::filesystem::path privateKeyPath() const;
    std::filesystem::path credentialsDb() const { return data_dir / "credentials.db"; }
    std::filesystem::path watchlistDb() const { return data_dir / "watchlist.db"; }
    std::filesystem::path dataKeyFile() const { return data_dir / "data.key"; }
};

// The options table, bound to `config`'s fields.
boost::program_options::options_description serverOptions(ServerConfig& config);

// The danger levels named by a --push-at-once value; nothing when a name is
// not a level (the caller says which).
std::optional<std::vector<protocol::DangerLevel>> parseDangerLevels(const std::string& list);

// Parses `args` (without the program and command names) with serverOptions
// plus `extra`; reads `--config FILE` if given (command line wins). Throws
// std::runtime_error with a sentence on unknown options or bad values.
// Unrecognised positional arguments are returned.
std::vector<std::string> parseServerConfig(const std::vector<std::string>& args, ServerConfig& config,
                                           const boost::program_options::options_description& extra,
                                           boost::program_options::variables_map& vm);

}  // namespace vigil::server
