#pragma once
// Vigil's look: a dark theme with high-contrast text and status colours that
// stay distinguishable for the common colour-vision deficiencies (red alerts
// also flash and carry a word, never colour alone).

#include <imgui.h>

namespace vigil::gui {

void applyTheme(float scale);

namespace colors {
inline const ImVec4 kOk{0.35f, 0.80f, 0.45f, 1.0f};
inline const ImVec4 kWarning{0.98f, 0.75f, 0.25f, 1.0f};
inline const ImVec4 kDanger{0.95f, 0.30f, 0.28f, 1.0f};
inline const ImVec4 kMuted{0.62f, 0.66f, 0.72f, 1.0f};
inline const ImVec4 kAccent{0.35f, 0.62f, 0.98f, 1.0f};
inline const ImVec4 kText{0.92f, 0.94f, 0.96f, 1.0f};
}  // namespace colors

}  // namespace vigil::gui
