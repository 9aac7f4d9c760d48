#pragma once
// ConsoleBackend over the in-process HqService: every method is one service
// call made as the signed-in HQ user (Actor address "console"), so the role
// checks, validation and audit entries are the same as over the network.
// Photo previews run the recognition engine's enrolment check, the one the
// server's enroller applies when the person is saved.

#include "server/console/ConsoleBackend.hpp"
#include "server/core/HqService.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace vigil::recognition {
class FaceDetector;
}

namespace vigil::console {

class HqBackend final : public ConsoleBackend {
public:
    explicit HqBackend(server::HqService& service);
    ~HqBackend() override;

    Outcome<protocol::CaptchaChallenge> newCaptcha() override;
    Outcome<protocol::LoginResponse> login(const protocol::LoginRequest& request) override;
    void logout() override;

    Outcome<std::vector<protocol::WantedPerson>> persons() override;
    Outcome<PhotoCheck> checkPhoto(const std::string& path) override;
    Outcome<protocol::PersonAdded> addPerson(const protocol::PersonAdd& person) override;
    Outcome<Done> updatePerson(const protocol::PersonUpdate& update) override;
    Outcome<Done> removePerson(std::uint64_t person_id) override;

    Outcome<std::vector<protocol::UserInfo>> users() override;
    Outcome<Done> decideUser(const protocol::UserDecision& decision) override;

    Outcome<std::vector<protocol::Sighting>> sightings(std::uint32_t limit) override;
    Outcome<std::vector<protocol::AuditEntry>> audit(std::uint32_t limit) override;
    HqStatus status() override;
    Outcome<std::vector<protocol::Sighting>> pendingSightings() override;
    Outcome<protocol::SightingDecided> confirmSighting(std::uint64_t sighting_id) override;
    Outcome<protocol::SightingDecided> dismissSighting(std::uint64_t sighting_id, protocol::DismissReason reason,
                                                       const std::string& note) override;
    Outcome<std::vector<protocol::Bytes>> personPhotos(std::uint64_t person_id) override;
    std::vector<protocol::Sighting> pollAlerts() override;
    std::vector<protocol::SightingDecided> pollDecisions() override;

private:
    std::optional<server::Actor> actor() const;

    server::HqService& service_;
    const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

    mutable std::mutex mutex_;  // guards everything below
    std::optional<server::LoginGrant> session_;
    server::AlertHub::Subscription subscription_;
    std::vector<protocol::Sighting> pushed_;
    std::vector<protocol::SightingDecided> decided_;
    // Full records (thumbnails, faces) by id, refetched when updated_at moves.
    std::map<std::uint64_t, protocol::WantedPerson> person_cache_;
    std::size_t person_count_ = 0;
    std::vector<protocol::AuditEntry> audit_cache_;

    std::mutex detector_mutex_;  // photo checks are slow: never under mutex_
    std::unique_ptr<recognition::FaceDetector> detector_;  // built on the first photo check
};

}  // namespace vigil::console
