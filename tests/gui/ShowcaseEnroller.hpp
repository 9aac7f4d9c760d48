#pragma once
// The FaceEnroller the showcases give HqService: the recognition engine's
// enrolment (quality verdict + descriptor), as a server with its model
// installed uses. Throws when the model is missing (tools/fetch-models).

#include "server/core/FaceEnroller.hpp"

#include <memory>

namespace vigil::test {

std::unique_ptr<server::FaceEnroller> makeShowcaseEnroller();

}  // namespace vigil::test
