#pragma once
// Records the largest single heap allocation while a scope is active, so a
// test can prove that a hostile count allocated nothing near its claim.
#include <cstddef>

namespace vigil::test {

struct AllocationProbe {
    AllocationProbe();
    ~AllocationProbe();
    std::size_t largest() const;
};

}  // namespace vigil::test
