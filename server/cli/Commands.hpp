#pragma once
// The vigil-server subcommands. Each parses its own options (plus the shared
// server options table), opens the data folder, calls HqService as the local
// administrator, and returns an exit code a script can act on.

#include "server/core/HqService.hpp"

#include <string>
#include <vector>

namespace vigil::server::cli {

enum Exit : int {
    kOk = 0,
    kRefused = 1,      // a rule said no (role, validation, not found); the message says which
    kUsage = 2,        // bad command line
    kEnvironment = 3,  // files, database, certificates, port: fix the machine, then retry
};

using Args = std::vector<std::string>;

int init(const Args& args);
int serve(const Args& args);
int user(const Args& args);
int person(const Args& args);
int sightings(const Args& args);
int audit(const Args& args);
int session(const Args& args);
int key(const Args& args);      // KeyCommands.cpp (issue 7)
int station(const Args& args);  // StationCommands.cpp (issue 7)
int totp(const Args& args);     // SecondFactorCommands.cpp (issue 7)
int review(const Args& args);   // ReviewCommands.cpp (issue 9)
int printSecondFactorEnrolment(const security::SecondFactorEnrolment& enrolment, const std::string& username,
                               const std::filesystem::path& qrPng);

// Shared helpers.
Actor localAdmin();
// Prints "vigil-server: <sentence> (<detail>)" to stderr and returns kRefused.
int refused(const protocol::Error& error);
std::string formatTime(std::int64_t unixSeconds);
// The enroller: the recognition engine when built in and its model is
// installed, otherwise one that refuses with the reason.
std::unique_ptr<FaceEnroller> makeEnroller(const ServerConfig& config);

}  // namespace vigil::server::cli
