#include "client/gui/toolkit/BackgroundTasks.hpp"

namespace vigil::gui {

BackgroundTasks::BackgroundTasks() : worker_([this] { work(); }) {}

BackgroundTasks::~BackgroundTasks() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        jobs_.clear();  // their futures report broken_promise; nobody waits on them any more
    }
    wake_.notify_all();
    worker_.join();
}

void BackgroundTasks::enqueue(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
}

std::size_t BackgroundTasks::pending() const {
    std::lock_guard lock(mutex_);
    return jobs_.size() + running_;
}

void BackgroundTasks::work() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        ++running_;
        lock.unlock();
        job();  // packaged_task stores exceptions in the future
        lock.lock();
        --running_;
    }
}

}  // namespace vigil::gui
