#pragma once
// Pixelates a region of an image beyond recognition: for screen sharing and
// for screenshots that go into documentation, where real faces must not
// appear. Coarse blocks rather than a Gaussian blur, which can be partly
// reversed and still shows a face's layout.

#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>

namespace vigil::gui {

// Pixelates `region` (clipped to the image, grown by a margin so hair and
// jaw go too) into `blocks` blocks across.
void pixelate(cv::Mat& image, cv::Rect region, int blocks = 8);
// Pixelates a whole video frame so that no face in it - found or missed by
// the detector - stays recognisable, while the scene stays readable.
void pixelateFrame(cv::Mat& image);

}  // namespace vigil::gui
