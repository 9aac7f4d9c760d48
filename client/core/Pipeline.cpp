#include "client/core/Pipeline.hpp"

#include "client/core/StageQueues.hpp"

#include "vigil/recognition/FaceAligner.hpp"
#include "vigil/recognition/FaceDescriptorNet.hpp"
#include "vigil/recognition/FaceDetector.hpp"
#include "vigil/recognition/Matcher.hpp"
#include "vigil/recognition/ModelFingerprint.hpp"
#include "vigil/recognition/ModelPaths.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <thread>

namespace vigil::client {
namespace rec = vigil::recognition;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

struct Frame {
    std::int64_t index = 0;
    Clock::time_point capturedAt;
    cv::Mat image;
};

struct DescribeJob {
    std::shared_ptr<const Frame> frame;
    std::int64_t trackId = 0;
    cv::Rect box;
};

bool isCameraIndex(const std::string& source) {
    return !source.empty() && source.size() < 4 &&
           std::all_of(source.begin(), source.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::int64_t msSince(Clock::time_point start, Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t - start).count();
}

// A rate over a sliding window of event times.
class RateMeter {
public:
    void tick(Clock::time_point t) {
        times_.push_back(t);
        while (!times_.empty() && t - times_.front() > 2s) times_.pop_front();
    }
    double perSecond() const {
        if (times_.size() < 2) return 0;
        const double span = std::chrono::duration<double>(times_.back() - times_.front()).count();
        return span > 0 ? static_cast<double>(times_.size() - 1) / span : 0;
    }

private:
    std::deque<Clock::time_point> times_;
};

}  // namespace

struct Pipeline::Impl {
    PipelineOptions options;
    AlertHandler onAlert;
    std::string fingerprint;

    rec::FaceDetector detector;
    rec::FaceAligner aligner;
    rec::FaceDescriptorNet net;

    LatestSlot<std::shared_ptr<const Frame>> frames;
    BoundedQueue<DescribeJob> describeJobs;
    BoundedQueue<PipelineAlert> alerts{64};

    std::atomic<bool> stopping{false};
    std::thread captureThread, detectThread, describeThread, alertThread;
    Clock::time_point started;

    // Shared with the GUI and setWatchlist.
    mutable std::mutex mutex;
    std::condition_variable finished;
    bool alertStageDone = false;
    std::shared_ptr<const std::map<std::uint64_t, protocol::WantedPerson>> persons;
    std::shared_ptr<const rec::Matcher> matcher;
    struct TrackLabel {
        std::string name;
        bool wanted = false;
        std::optional<float> distance;
    };
    std::map<std::int64_t, TrackLabel> trackLabels;
    cv::Mat latest;
    std::vector<FaceBox> latestBoxes;
    PipelineStats stats;
    RateMeter sourceRate, processedRate;
    double describeMsTotal = 0;
    AlertPolicy policy;

    Impl(PipelineOptions o, AlertHandler handler)
        : options(std::move(o)), onAlert(std::move(handler)),
          fingerprint(rec::modelFingerprint(options.modelFile.empty() ? rec::descriptorModelPath()
                                                                      : options.modelFile)),
          detector(rec::DetectorOptions{options.detectionWidth, 0, 0.0}),
          net(options.modelFile.empty() ? rec::descriptorModelPath() : options.modelFile),
          describeJobs(options.describeQueueCapacity), policy(options.policy) {}

    void fail(const std::string& why) {
        std::lock_guard lock(mutex);
        if (stats.error.empty()) stats.error = why;
    }

    void captureSynthetic() {
        const auto period = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(1.0 / options.syntheticFps));
        for (std::int64_t index = 0; !stopping; ++index) {
            std::this_thread::sleep_until(started + index * period);  // a camera's clock
            auto frame = std::make_shared<Frame>();
            if (!options.frameSource(frame->image) || frame->image.empty()) break;
            frame->index = index;
            frame->capturedAt = Clock::now();
            {
                std::lock_guard lock(mutex);
                ++stats.framesCaptured;
                sourceRate.tick(frame->capturedAt);
            }
            frames.put(std::move(frame));
        }
        {
            std::lock_guard lock(mutex);
            stats.sourceEnded = true;
        }
        frames.close();
    }

    void capture() {
        if (options.frameSource) {
            captureSynthetic();
            return;
        }
        cv::VideoCapture capture;
        const bool camera = isCameraIndex(options.source);
        const bool opened = camera ? capture.open(std::stoi(options.source))
                                   : capture.open(options.source);
        if (!opened) {
            fail("cannot open video source " + options.source);
            frames.close();
            return;
        }
        const bool file = !camera && options.source.find("://") == std::string::npos;
        double fps = capture.get(cv::CAP_PROP_FPS);
        if (!(fps > 1 && fps < 240)) fps = 30;
        const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / fps));
        const bool paced = file && options.realtime;
        std::int64_t index = 0;
        while (!stopping) {
            auto frame = std::make_shared<Frame>();
            if (paced) std::this_thread::sleep_until(started + index * period);  // a camera's clock
            if (!capture.read(frame->image) || frame->image.empty()) break;
            frame->index = index++;
            frame->capturedAt = Clock::now();
            {
                std::lock_guard lock(mutex);
                ++stats.framesCaptured;
                sourceRate.tick(frame->capturedAt);
            }
            if (options.realtime) frames.put(std::move(frame));
            else frames.putWhenFree(std::move(frame));
        }
        {
            std::lock_guard lock(mutex);
            stats.sourceEnded = true;
        }
        frames.close();
    }

    void detectAndTrack() {
        FaceTracker tracker(options.tracker);
        std::int64_t sinceDetection = options.detectEveryNthFrame;
        while (!frames.closed() && !stopping) {
            auto next = frames.take(100ms);
            if (!next) continue;
            const auto& frame = *next;
            const std::int64_t atMs = msSince(started, frame->capturedAt);
            std::vector<TrackedFace> faces;
            if (++sinceDetection >= options.detectEveryNthFrame) {
                sinceDetection = 0;
                std::vector<cv::Rect> boxes;
                for (const auto& d : detector.detect(frame->image))
                    boxes.push_back(d.box & cv::Rect(0, 0, frame->image.cols, frame->image.rows));
                faces = tracker.update(boxes, atMs);
            } else {
                faces = tracker.current(atMs);
            }
            for (const auto& face : faces) {
                if (!face.describeNow || face.box.area() <= 0) continue;
                DescribeJob job{frame, face.trackId, face.box};
                if (options.realtime) describeJobs.tryPush(std::move(job));
                else describeJobs.pushWhenFree(std::move(job));
            }
            std::lock_guard lock(mutex);
            ++stats.framesProcessed;
            processedRate.tick(Clock::now());
            stats.activeTracks = tracker.activeTracks();
            latest = frame->image;
            latestBoxes.clear();
            for (const auto& face : faces) {
                FaceBox box{face.box, face.trackId, {}, false, std::nullopt};
                if (auto it = trackLabels.find(face.trackId); it != trackLabels.end()) {
                    box.label = it->second.name;
                    box.wanted = it->second.wanted;
                    box.distance = it->second.distance;
                }
                latestBoxes.push_back(box);
            }
        }
        describeJobs.close();
    }

    void describeAndMatch() {
        while (!describeJobs.drained() && !stopping) {
            auto first = describeJobs.pop(100ms);
            if (!first) continue;
            // Batch what is waiting: one forward pass for several faces is cheaper.
            std::vector<DescribeJob> batch{std::move(*first)};
            while (batch.size() < 4)
                if (auto more = describeJobs.tryPop()) batch.push_back(std::move(*more));
                else break;
            const auto t0 = Clock::now();
            std::vector<cv::Mat> chips;
            for (const auto& job : batch)
                chips.push_back(aligner.alignedChip(job.frame->image,
                                                    aligner.landmarks(job.frame->image, job.box)));
            const auto descriptors = net.describe(chips);
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();

            std::shared_ptr<const rec::Matcher> m;
            std::shared_ptr<const std::map<std::uint64_t, protocol::WantedPerson>> people;
            {
                std::lock_guard lock(mutex);
                m = matcher;
                people = persons;
                stats.facesDescribed += batch.size();
                describeMsTotal += ms;
            }
            for (std::size_t i = 0; i < batch.size(); ++i) judge(batch[i], descriptors[i], m.get(), people.get());
        }
        alerts.close();
    }

    void judge(const DescribeJob& job, const rec::Descriptor& descriptor, const rec::Matcher* m,
               const std::map<std::uint64_t, protocol::WantedPerson>* people) {
        MatchObservation observation{job.trackId, std::nullopt, 0, msSince(started, job.frame->capturedAt)};
        const protocol::WantedPerson* person = nullptr;
        std::optional<rec::Candidate> runnerUp;
        std::optional<float> nearest;
        if (m && people && m->size() > 0) {
            const auto result = m->match(descriptor);
            if (result.best) nearest = result.best->distance;
            if (result.vetoedByNegative) {
                std::lock_guard lock(mutex);
                ++stats.vetoedByNegative;
            }
            if (result.accepted && result.best) {
                auto it = people->find(static_cast<std::uint64_t>(result.best->person));
                if (it != people->end()) {
                    person = &it->second;
                    observation.person = it->second.id;
                    observation.distance = result.best->distance;
                    if (result.runnerUp) runnerUp = *result.runnerUp;
                }
            }
        }
        std::optional<AlertDecision> decision;
        {
            std::lock_guard lock(mutex);
            trackLabels[job.trackId] = person ? TrackLabel{person->details.name, true, nearest}
                                              : TrackLabel{{}, false, nearest};
            decision = policy.observe(observation);
            if (decision) {
                ++stats.alertsRaised;
                stats.openAlerts = policy.openAlerts();
            }
        }
        if (!decision || !person) return;
        PipelineAlert alert;
        alert.decision = *decision;
        alert.person = *person;
        std::copy(descriptor.begin(), descriptor.end(), alert.probe.begin());
        if (runnerUp) {
            alert.runnerUpId = static_cast<std::uint64_t>(runnerUp->person);
            alert.runnerUpDistance = runnerUp->distance;
        }
        alert.box = job.box;
        alert.frameIndex = job.frame->index;
        alert.frameCapturedAt = job.frame->capturedAt;
        alert.raisedAt = Clock::now();
        alert.observedAt = std::chrono::system_clock::now() - (alert.raisedAt - alert.frameCapturedAt);
        alert.snapshotJpeg = snapshot(job.frame->image, job.box);
        alerts.pushWhenFree(std::move(alert));
    }

    std::vector<std::uint8_t> snapshot(const cv::Mat& image, const cv::Rect& box) const {
        cv::Mat marked = image.clone();
        cv::rectangle(marked, box, cv::Scalar(0, 0, 255), 3);
        if (marked.cols > options.snapshotMaxWidth) {
            const double scale = static_cast<double>(options.snapshotMaxWidth) / marked.cols;
            cv::resize(marked, marked, cv::Size(), scale, scale, cv::INTER_AREA);
        }
        std::vector<std::uint8_t> jpeg;
        cv::imencode(".jpg", marked, jpeg, {cv::IMWRITE_JPEG_QUALITY, 85});
        return jpeg;
    }

    void deliverAlerts() {
        while (!alerts.drained()) {
            auto alert = alerts.pop(100ms);
            if (!alert) continue;
            if (onAlert) onAlert(std::move(*alert));
        }
        std::lock_guard lock(mutex);
        alertStageDone = true;
        finished.notify_all();
    }
};

Pipeline::Pipeline(PipelineOptions options, AlertHandler onAlert)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(onAlert))) {}

Pipeline::~Pipeline() { stop(); }

const std::string& Pipeline::modelFingerprint() const { return impl_->fingerprint; }

bool Pipeline::setWatchlist(std::shared_ptr<const std::map<std::uint64_t, protocol::WantedPerson>> persons,
                            const std::string& fingerprint) {
    const bool sameModel = fingerprint == impl_->fingerprint;
    float threshold = 0;
    float negativeMargin = 0;
    {
        std::lock_guard lock(impl_->mutex);
        threshold = impl_->options.matchThreshold;
        negativeMargin = impl_->options.negativeMargin;
    }
    auto matcher = std::make_shared<rec::Matcher>(impl_->fingerprint, threshold);
    matcher->setNegativeMargin(negativeMargin);
    std::size_t faces = 0;
    if (sameModel && persons)
        for (const auto& [id, person] : *persons)
            for (const auto& face : person.faces) {
                matcher->add(static_cast<rec::PersonId>(id), face.descriptor);
                ++faces;
            }
    // HQ's "not this person" examples (issue 9): the matcher vetoes a probe
    // nearer to one of them than to the person's own photos.
    if (sameModel && persons)
        for (const auto& [id, person] : *persons)
            for (const auto& negative : person.negatives) matcher->addNegative(static_cast<rec::PersonId>(id), negative);
    std::lock_guard lock(impl_->mutex);
    impl_->matcher = std::move(matcher);
    impl_->persons = sameModel ? std::move(persons) : nullptr;
    impl_->stats.watchlistFaces = faces;
    return sameModel;
}

void Pipeline::start() {
    if (impl_->captureThread.joinable()) return;
    impl_->started = Clock::now();
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stats.running = true;
    }
    auto guarded = [this](void (Impl::*stage)()) {
        return [this, stage] {
            try {
                (impl_.get()->*stage)();
            } catch (const std::exception& e) {
                impl_->fail(e.what());
                impl_->stopping = true;
                impl_->frames.close();
                impl_->describeJobs.close();
                impl_->alerts.close();
            }
        };
    };
    impl_->alertThread = std::thread(guarded(&Impl::deliverAlerts));
    impl_->describeThread = std::thread(guarded(&Impl::describeAndMatch));
    impl_->detectThread = std::thread(guarded(&Impl::detectAndTrack));
    impl_->captureThread = std::thread(guarded(&Impl::capture));
}

void Pipeline::stop() {
    if (!impl_->captureThread.joinable()) return;
    impl_->stopping = true;
    impl_->frames.close();
    impl_->describeJobs.close();
    impl_->alerts.close();
    impl_->captureThread.join();
    impl_->detectThread.join();
    impl_->describeThread.join();
    impl_->alertThread.join();
    std::lock_guard lock(impl_->mutex);
    impl_->stats.running = false;
}

void Pipeline::restartWithSource(const std::string& source) {
    stop();
    {
        std::lock_guard lock(impl_->mutex);
        impl_->options.source = source;
        // A new tracker numbers its tracks afresh: forget the old ones' streaks.
        for (const auto& [track, label] : impl_->trackLabels) impl_->policy.forgetTrack(track);
        impl_->trackLabels.clear();
        impl_->latest = cv::Mat();
        impl_->latestBoxes.clear();
        impl_->alertStageDone = false;
        impl_->stats.error.clear();
        impl_->stats.sourceEnded = false;
        impl_->sourceRate = {};
        impl_->processedRate = {};
    }
    impl_->frames.reopen();
    impl_->describeJobs.reopen();
    impl_->alerts.reopen();
    impl_->stopping = false;
    start();
}

void Pipeline::setMatchThreshold(float threshold) {
    std::lock_guard lock(impl_->mutex);
    impl_->options.matchThreshold = threshold;
    if (impl_->matcher) {
        // Matchers are shared with the describe stage: replace, never modify.
        auto changed = std::make_shared<rec::Matcher>(*impl_->matcher);
        changed->setThreshold(threshold);
        impl_->matcher = std::move(changed);
    }
}

float Pipeline::matchThreshold() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->options.matchThreshold;
}

std::string Pipeline::source() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->options.source;
}

bool Pipeline::waitFinished(std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->mutex);
    return impl_->finished.wait_for(lock, timeout, [&] { return impl_->alertStageDone; });
}

void Pipeline::acknowledge(std::uint64_t alertId) {
    std::lock_guard lock(impl_->mutex);
    impl_->policy.acknowledge(alertId);
    impl_->stats.openAlerts = impl_->policy.openAlerts();
}

PipelineStats Pipeline::stats() const {
    std::lock_guard lock(impl_->mutex);
    PipelineStats s = impl_->stats;
    s.sourceFps = impl_->sourceRate.perSecond();
    s.processedFps = impl_->processedRate.perSecond();
    s.describeMsAverage = s.facesDescribed ? impl_->describeMsTotal / static_cast<double>(s.facesDescribed) : 0;
    s.framesDropped = impl_->frames.dropped();
    s.describeDropped = impl_->describeJobs.dropped();
    s.describeQueueDepth = impl_->describeJobs.depth();
    return s;
}

bool Pipeline::latestFrame(cv::Mat& frame, std::vector<FaceBox>& faces) const {
    std::lock_guard lock(impl_->mutex);
    if (impl_->latest.empty()) return false;
    frame = impl_->latest;
    faces = impl_->latestBoxes;
    return true;
}

std::chrono::steady_clock::time_point Pipeline::startedAt() const { return impl_->started; }

}  // namespace vigil::client
