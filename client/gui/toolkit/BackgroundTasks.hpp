#pragma once
// Runs slow calls (password hashing at login, face detection on a photo,
// database queries) off the GUI thread. One worker, calls run in the order
// they were posted; the GUI keeps the std::future and polls it each frame
// with isReady(), so a frame is never blocked.

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

namespace vigil::gui {

class BackgroundTasks {
public:
    BackgroundTasks();
    ~BackgroundTasks();  // finishes the call in progress, drops queued ones
    BackgroundTasks(const BackgroundTasks&) = delete;
    BackgroundTasks& operator=(const BackgroundTasks&) = delete;

    template <class F>
    auto post(F call) -> std::future<decltype(call())> {
        using Result = decltype(call());
        auto task = std::make_shared<std::packaged_task<Result()>>(std::move(call));
        auto future = task->get_future();
        enqueue([task] { (*task)(); });
        return future;
    }

    // Calls posted and not yet finished.
    std::size_t pending() const;

private:
    void enqueue(std::function<void()> job);
    void work();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    std::size_t running_ = 0;
    bool stopping_ = false;
    std::thread worker_;
};

template <class T>
bool isReady(const std::future<T>& future) {
    return future.valid() &&
           future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

}  // namespace vigil::gui
