// Decodes the part of a JPEG a resize needs, at the smallest DCT scale (1/8, 1/4, 1/2 or 1) that keeps the
// crop at least as large as the output: libjpeg-turbo's shrink-on-load, cropped scanlines and skipped rows.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "resample.h"

namespace leanconv_image {

struct JpegInfo {
  int width = 0, height = 0, components = 0;
  bool rgbOutput = false;  // false for CMYK/YCCK, which libjpeg cannot turn into RGB
};

/** Thrown with libjpeg's message when the data is not a decodable JPEG. */
struct JpegError {
  std::string message;
};

bool isJpeg(const uint8_t* data, size_t size);
JpegInfo readJpegInfo(const uint8_t* data, size_t size);

/** `box` (in full-size pixel coordinates) of the JPEG resampled into `out`; clampToBox as RandomResizedCrop. */
void decodeJpegRegion(const uint8_t* data, size_t size, const Box& box, bool clampToBox, const OutputSpec& out);

}  // namespace leanconv_image
