// The tracker and the alert policy are pure logic: frames and matches in,
// tracks and decisions out.
#include "client/core/AlertPolicy.hpp"
#include "client/core/FaceTracker.hpp"
#include "client/core/StageQueues.hpp"

#include <doctest/doctest.h>

using namespace vigil::client;

TEST_CASE("a face that moves a little between detections keeps its track id") {
    FaceTracker tracker;
    auto first = tracker.update({cv::Rect(100, 100, 80, 80)}, 0);
    auto second = tracker.update({cv::Rect(106, 103, 80, 80)}, 66);
    REQUIRE(first.size() == 1);
    REQUIRE(second.size() == 1);
    CHECK(first[0].trackId == second[0].trackId);
}

TEST_CASE("two faces side by side get two tracks and keep them when they swap list order") {
    FaceTracker tracker;
    auto a = tracker.update({cv::Rect(0, 0, 80, 80), cv::Rect(300, 0, 80, 80)}, 0);
    auto b = tracker.update({cv::Rect(302, 2, 80, 80), cv::Rect(2, 2, 80, 80)}, 50);
    REQUIRE(a.size() == 2);
    REQUIRE(b.size() == 2);
    CHECK(a[0].trackId != a[1].trackId);
    CHECK(b[0].trackId == a[1].trackId);
    CHECK(b[1].trackId == a[0].trackId);
}

TEST_CASE("a track unseen for longer than forgetAfterMs is replaced by a new one") {
    FaceTracker tracker(TrackerOptions{.forgetAfterMs = 500});
    const auto first = tracker.update({cv::Rect(100, 100, 80, 80)}, 0);
    CHECK(tracker.update({}, 600).empty());
    CHECK(tracker.activeTracks() == 0);
    const auto again = tracker.update({cv::Rect(100, 100, 80, 80)}, 700);
    CHECK(again[0].trackId != first[0].trackId);
}

TEST_CASE("a person standing in view is described a few times, not on every frame") {
    TrackerOptions options;
    options.describeEveryMs = 150;
    options.quickDescriptions = 4;
    options.slowDescribeEveryMs = 2000;
    FaceTracker tracker(options);
    int described = 0;
    // Ten seconds at 30 frames per second, detection on every frame.
    for (int frame = 0; frame < 300; ++frame) {
        const auto faces = tracker.update({cv::Rect(200, 150, 90, 90)}, frame * 33);
        REQUIRE(faces.size() == 1);
        if (faces[0].describeNow) ++described;
    }
    CHECK(described >= 4);   // enough evidence for an alert
    CHECK(described <= 10);  // 4 quick ones, then one every 2 s
}

TEST_CASE("the first sighting of a new face is always described at once") {
    FaceTracker tracker;
    CHECK(tracker.update({cv::Rect(0, 0, 50, 50)}, 0)[0].describeNow);
    CHECK_FALSE(tracker.update({cv::Rect(0, 0, 50, 50)}, 10)[0].describeNow);
}

TEST_CASE("an alert needs the configured number of agreeing matches of one track") {
    AlertPolicy policy(AlertPolicyOptions{.requiredMatches = 3});
    CHECK_FALSE(policy.observe({1, 7u, 0.5f, 0}));
    CHECK_FALSE(policy.observe({1, 7u, 0.4f, 100}));
    const auto alert = policy.observe({1, 7u, 0.45f, 200});
    REQUIRE(alert);
    CHECK(alert->person == 7u);
    CHECK(alert->bestDistance == doctest::Approx(0.4f));
}

TEST_CASE("a non-match or another person in between resets the agreement") {
    AlertPolicy policy(AlertPolicyOptions{.requiredMatches = 2});
    CHECK_FALSE(policy.observe({1, 7u, 0.5f, 0}));
    CHECK_FALSE(policy.observe({1, std::nullopt, 0, 50}));
    CHECK_FALSE(policy.observe({1, 7u, 0.5f, 100}));
    CHECK_FALSE(policy.observe({1, 8u, 0.5f, 150}));
    CHECK_FALSE(policy.observe({1, 7u, 0.5f, 200}));
    CHECK(policy.observe({1, 7u, 0.5f, 250}));
}

TEST_CASE("matches from two different tracks do not add up to an alert") {
    AlertPolicy policy(AlertPolicyOptions{.requiredMatches = 2});
    CHECK_FALSE(policy.observe({1, 7u, 0.5f, 0}));
    CHECK_FALSE(policy.observe({2, 7u, 0.5f, 10}));
}

TEST_CASE("the same person does not alert again within the cooldown, then does") {
    AlertPolicy policy(AlertPolicyOptions{.requiredMatches = 1, .cooldownMs = 10'000});
    CHECK(policy.observe({1, 7u, 0.5f, 0}));
    CHECK_FALSE(policy.observe({1, 7u, 0.5f, 5'000}));
    CHECK_FALSE(policy.observe({2, 7u, 0.5f, 9'999}));  // a new track of the same person too
    CHECK(policy.suppressedByCooldown() == 2);
    CHECK(policy.observe({2, 7u, 0.5f, 10'000}));
    CHECK(policy.observe({3, 9u, 0.5f, 10'001}));  // another person is not held back
}

TEST_CASE("past the open-alert cap an alert is still raised but without a popup") {
    AlertPolicy policy(AlertPolicyOptions{.requiredMatches = 1, .cooldownMs = 0, .maxOpenAlerts = 2});
    auto a = policy.observe({1, 1u, 0.5f, 0});
    auto b = policy.observe({2, 2u, 0.5f, 0});
    auto c = policy.observe({3, 3u, 0.5f, 0});
    REQUIRE((a && b && c));
    CHECK(a->popup);
    CHECK(b->popup);
    CHECK_FALSE(c->popup);
    policy.acknowledge(a->alertId);
    auto d = policy.observe({4, 4u, 0.5f, 0});
    REQUIRE(d);
    CHECK(d->popup);
}

TEST_CASE("a latest-value slot keeps only the newest value and counts the ones it dropped") {
    LatestSlot<int> slot;
    slot.put(1);
    slot.put(2);
    slot.put(3);
    CHECK(slot.dropped() == 2);
    CHECK(slot.take(std::chrono::milliseconds(10)) == 3);
    CHECK_FALSE(slot.take(std::chrono::milliseconds(1)));
}

TEST_CASE("a bounded queue refuses past its capacity instead of growing") {
    BoundedQueue<int> queue(2);
    CHECK(queue.tryPush(1));
    CHECK(queue.tryPush(2));
    CHECK_FALSE(queue.tryPush(3));
    CHECK(queue.dropped() == 1);
    CHECK(queue.pop(std::chrono::milliseconds(10)) == 1);
    queue.close();
    CHECK(queue.pop(std::chrono::milliseconds(10)) == 2);
    CHECK(queue.drained());
}
