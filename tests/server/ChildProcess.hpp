#pragma once
// Runs vigil-server as a separate process (posix_spawn) with its standard
// output on a pipe, so tests can read what it prints and kill it.

#include <doctest/doctest.h>

#include <csignal>
#include <cstdio>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace vigil::test {

struct ChildProcess {
    pid_t pid = -1;
    FILE* out = nullptr;

    explicit ChildProcess(const std::vector<std::string>& argv) {
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        REQUIRE(posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) == 0);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        out = ::fdopen(fds[0], "r");
    }

    // The next line the child prints ("" at end of output).
    std::string readLine() {
        char* line = nullptr;
        size_t size = 0;
        const auto n = ::getline(&line, &size, out);
        std::string text = n > 0 ? std::string(line, static_cast<std::size_t>(n)) : std::string();
        std::free(line);
        return text;
    }

    // Exit status (or 128 + signal).
    int wait() {
        int status = 0;
        if (pid > 0) ::waitpid(pid, &status, 0);
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    void kill(int signal) {
        if (pid > 0) ::kill(pid, signal);
    }

    ~ChildProcess() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            wait();
        }
        if (out) ::fclose(out);
    }
};

// Runs a command to completion; returns {exit code, standard output}.
inline std::pair<int, std::string> runToEnd(const std::vector<std::string>& argv) {
    ChildProcess child(argv);
    std::string all, line;
    while (!(line = child.readLine()).empty()) all += line;
    return {child.wait(), all};
}

}  // namespace vigil::test
