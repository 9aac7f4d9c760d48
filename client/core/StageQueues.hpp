#pragma once
// What joins the pipeline's stages. A LatestSlot holds one value and a new
// one replaces an unread one (counted as dropped): the consumer always works
// on the newest frame, never on a backlog. A BoundedQueue keeps order but
// refuses past its capacity (also counted): a slow stage sheds work instead
// of growing memory or lagging behind real time.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace vigil::client {

template <class T>
class LatestSlot {
public:
    void put(T value) {
        {
            std::lock_guard lock(mutex_);
            if (value_) ++dropped_;
            value_ = std::move(value);
        }
        ready_.notify_one();
    }
    // For offline processing (every frame counts): waits until the slot is free.
    void putWhenFree(T value) {
        std::unique_lock lock(mutex_);
        free_.wait(lock, [&] { return !value_.has_value() || closed_; });
        value_ = std::move(value);
        lock.unlock();
        ready_.notify_one();
    }
    // Empty when closed (and drained) or after the timeout.
    std::optional<T> take(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        ready_.wait_for(lock, timeout, [&] { return value_.has_value() || closed_; });
        std::optional<T> out = std::move(value_);
        value_.reset();
        lock.unlock();
        free_.notify_all();
        return out;
    }
    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        ready_.notify_all();
        free_.notify_all();
    }
    bool closed() const {
        std::lock_guard lock(mutex_);
        return closed_ && !value_;
    }
    // Empty and open again, for a pipeline restarted on a new source
    // (only while no stage is running).
    void reopen() {
        std::lock_guard lock(mutex_);
        value_.reset();
        closed_ = false;
    }
    std::size_t dropped() const {
        std::lock_guard lock(mutex_);
        return dropped_;
    }
    std::size_t depth() const {
        std::lock_guard lock(mutex_);
        return value_ ? 1 : 0;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable free_;
    std::optional<T> value_;
    bool closed_ = false;
    std::size_t dropped_ = 0;
};

template <class T>
class BoundedQueue {
public:
    explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}
    // False (and counted) when full.
    bool tryPush(T value) {
        {
            std::lock_guard lock(mutex_);
            if (items_.size() >= capacity_) {
                ++dropped_;
                return false;
            }
            items_.push_back(std::move(value));
        }
        ready_.notify_one();
        return true;
    }
    // For offline processing: waits for room instead of dropping.
    void pushWhenFree(T value) {
        std::unique_lock lock(mutex_);
        free_.wait(lock, [&] { return items_.size() < capacity_ || closed_; });
        items_.push_back(std::move(value));
        lock.unlock();
        ready_.notify_one();
    }
    std::optional<T> pop(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        ready_.wait_for(lock, timeout, [&] { return !items_.empty() || closed_; });
        return takeFront(lock);
    }
    std::optional<T> tryPop() {
        std::unique_lock lock(mutex_);
        return takeFront(lock);
    }
    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        ready_.notify_all();
        free_.notify_all();
    }
    bool drained() const {
        std::lock_guard lock(mutex_);
        return closed_ && items_.empty();
    }
    // Empty and open again (only while no stage is running).
    void reopen() {
        std::lock_guard lock(mutex_);
        items_.clear();
        closed_ = false;
    }
    std::size_t depth() const {
        std::lock_guard lock(mutex_);
        return items_.size();
    }
    std::size_t dropped() const {
        std::lock_guard lock(mutex_);
        return dropped_;
    }

private:
    std::optional<T> takeFront(std::unique_lock<std::mutex>& lock) {
        if (items_.empty()) return std::nullopt;
        T out = std::move(items_.front());
        items_.pop_front();
        lock.unlock();
        free_.notify_all();
        return out;
    }

    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable free_;
    std::deque<T> items_;
    std::size_t capacity_;
    bool closed_ = false;
    std::size_t dropped_ = 0;
};

}  // namespace vigil::client
