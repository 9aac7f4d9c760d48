#include "server/core/ServerConfig.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace po = boost::program_options;

namespace vigil::server {

std::filesystem::path ServerConfig::certificatePath() const {
    return certificate.empty() ? data_dir / "certs" / "server.pem" : certificate;
}

std::filesystem::path ServerConfig::privateKeyPath() const {
    return private_key.empty() ? data_dir / "certs" / "server-key.pem" : private_key;
}

std::optional<std::vector<protocol::DangerLevel>> parseDangerLevels(const std::string& list) {
    using protocol::DangerLevel;
    const std::vector<DangerLevel> all{DangerLevel::Low, DangerLevel::Medium, DangerLevel::High, DangerLevel::Extreme};
    if (list == "none") return std::vector<DangerLevel>{};
    if (list == "all") return all;
    std::vector<DangerLevel> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = std::min(list.find(',', start), list.size());
        DangerLevel level{};
        if (!protocol::parseDangerLevel(list.substr(start, comma - start), level)) return std::nullopt;
        out.push_back(level);
        start = comma + 1;
    }
    return out;
}

bool ServerConfig::pushesAtOnce(protocol::DangerLevel level) const {
    const auto levels = parseDangerLevels(push_at_once);
    return levels && std::find(levels->begin(), levels->end(), level) != levels->end();
}

po::options_description serverOptions(ServerConfig& c) {
    po::options_description d("Server options (command line or config file)");
    // clang-format off
    d.add_options()
        ("data-dir", po::value(&c.data_dir)->default_value(c.data_dir), "folder of credentials.db, watchlist.db, data.vault, certs/")
        ("address", po::value(&c.listen_address)->default_value(c.listen_address), "address to listen on")
        ("port", po::value(&c.port)->default_value(c.port), "TCP port (0: any free port)")
        ("cert", po::value(&c.certificate), "server certificate chain, PEM (default <data-dir>/certs/server.pem)")
        ("key", po::value(&c.private_key), "server private key, PEM (default <data-dir>/certs/server-key.pem)")
        ("kek-file", po::value(&c.kek_file), "key file that unlocks data.vault (default <data-dir>/kek.key; keep it off the data volume)")
        ("kek-passphrase-file", po::value(&c.kek_passphrase_file), "unlock data.vault with the passphrase in this file instead of a key file")
        ("require-staff-second-factor", po::bool_switch(&c.require_staff_second_factor), "admins and operators without an enrolled TOTP cannot log in over the network ('vigil-server totp enroll NAME')")
        ("require-station-certificates", po::bool_switch(&c.require_station_certificates), "mutual TLS: refuse connections without an active certificate from 'vigil-server station enroll'")
        ("server-name", po::value(&c.server_name)->default_value(c.server_name), "name shown to clients")
        ("io-threads", po::value(&c.io_threads)->default_value(c.io_threads), "network threads")
        ("worker-threads", po::value(&c.worker_threads)->default_value(c.worker_threads), "request threads (hashing, database)")
        ("max-connections", po::value(&c.max_connections)->default_value(c.max_connections), "connections in total")
        ("max-connections-per-address", po::value(&c.max_connections_per_address)->default_value(c.max_connections_per_address), "connections from one address")
        ("handshake-timeout-ms", po::value(&c.handshake_timeout_ms)->default_value(c.handshake_timeout_ms), "TLS handshake and Hello deadline")
        ("login-timeout-ms", po::value(&c.login_timeout_ms)->default_value(c.login_timeout_ms), "time from connect to a successful login")
        ("idle-timeout-ms", po::value(&c.idle_timeout_ms)->default_value(c.idle_timeout_ms), "silence before a Ping; as long again closes")
        ("write-timeout-ms", po::value(&c.write_timeout_ms)->default_value(c.write_timeout_ms), "a peer that reads nothing for this long is dropped")
        ("max-queued-frames", po::value(&c.max_queued_frames)->default_value(c.max_queued_frames), "frames waiting for a slow reader before it is dropped")
        ("max-queued-bytes", po::value(&c.max_queued_bytes)->default_value(c.max_queued_bytes), "bytes waiting for a slow reader before it is dropped")
        ("messages-per-second", po::value(&c.messages_per_second)->default_value(c.messages_per_second), "requests per second per connection")
        ("scrypt-log2n", po::value(&c.scrypt_log2n)->default_value(c.scrypt_log2n), "scrypt cost for new password hashes (OWASP: 17)")
        ("login-free-failures", po::value(&c.login_free_failures)->default_value(c.login_free_failures), "failed logins before delays start")
        ("lockout-after-failures", po::value(&c.lockout_after_failures)->default_value(c.lockout_after_failures), "failed logins that lock an account name")
        ("address-free-failures", po::value(&c.address_free_failures)->default_value(c.address_free_failures), "failed logins from one address before delays start")
        ("address-lockout-after-failures", po::value(&c.address_lockout_after_failures)->default_value(c.address_lockout_after_failures), "failed logins that block an address")
        ("lockout-seconds", po::value(&c.lockout_seconds)->default_value(c.lockout_seconds), "length of a lock-out")
        ("registrations-per-address-per-hour", po::value(&c.registrations_per_address_per_hour)->default_value(c.registrations_per_address_per_hour), "new accounts from one address per hour")
        ("registrations-per-hour", po::value(&c.registrations_per_hour)->default_value(c.registrations_per_hour), "new accounts per hour in total")
        ("captcha-ttl-seconds", po::value(&c.captcha_ttl_seconds)->default_value(c.captcha_ttl_seconds), "life of a CAPTCHA challenge")
        ("session-idle-hours", po::value(&c.session_idle_hours)->default_value(c.session_idle_hours), "unused session tokens expire after")
        ("session-absolute-hours", po::value(&c.session_absolute_hours)->default_value(c.session_absolute_hours), "every session token expires after")
        ("push-at-once", po::value(&c.push_at_once)->default_value(c.push_at_once), "danger levels whose sightings reach every station before review (comma-separated low,medium,high,extreme; 'none' or 'all'); the others wait for an operator's confirmation")
        ("session-check-ms", po::value(&c.session_check_ms)->default_value(c.session_check_ms), "how often live sessions are checked against account and station-certificate changes made by other processes")
        ("keep-snapshots-days", po::value(&c.keep_snapshots_days)->default_value(c.keep_snapshots_days), "sighting snapshots older than this are erased (0: kept)")
        ("keep-sightings-days", po::value(&c.keep_sightings_days)->default_value(c.keep_sightings_days), "sightings older than this are deleted (0: kept)")
        ("watch-interval-ms", po::value(&c.watch_interval_ms)->default_value(c.watch_interval_ms), "how often to look for watchlist changes by other processes")
        ("models-dir", po::value(&c.models_dir), "recognition models (default $HOME/.cache/vigil/models)");
    // clang-format on
    return d;
}

std::vector<std::string> parseServerConfig(const std::vector<std::string>& args, ServerConfig& config,
                                           const po::options_description& extra, po::variables_map& vm) {
    std::string configFile;
    po::options_description all;
    all.add(serverOptions(config)).add(extra);
    all.add_options()("config", po::value(&configFile), "read options from this file (name = value lines)");
    po::options_description hidden;
    hidden.add_options()("positional", po::value<std::vector<std::string>>(), "");
    po::options_description cmdline;
    cmdline.add(all).add(hidden);
    po::positional_options_description positional;
    positional.add("positional", -1);
    try {
        po::store(po::command_line_parser(args).options(cmdline).positional(positional).run(), vm);
        if (vm.count("config")) {
            const auto file = vm["config"].as<std::string>();
            std::ifstream in(file);
            if (!in) throw std::runtime_error("cannot read the config file " + file);
            po::store(po::parse_config_file(in, all), vm);
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw std::runtime_error(e.what());
    }
    if (config.io_threads == 0 || config.worker_threads == 0) throw std::runtime_error("thread counts must be at least 1");
    if (config.scrypt_log2n < 10 || config.scrypt_log2n > 22)
        throw std::runtime_error("--scrypt-log2n must be between 10 and 22");
    if (!parseDangerLevels(config.push_at_once))
        throw std::runtime_error("--push-at-once wants danger levels separated by commas (low, medium, high, extreme), "
                                 "'none' or 'all', not '" + config.push_at_once + "'");
    return vm.count("positional") ? vm["positional"].as<std::vector<std::string>>() : std::vector<std::string>{};
}

}  // namespace vigil::server
