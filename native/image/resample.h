// Antialiased bilinear resampling of a region of 8-bit interleaved pixels into normalised planar floats:
// the triangle filter whose support widens with the downscale factor, as Pillow's Image.resize(BILINEAR)
// (what torchvision's transforms run on PIL images).
#pragma once
#include <cstdint>

namespace leanconv_image {

/** A region of the source in source pixel coordinates (fractional after shrink-on-load). */
struct Box {
  double top, left, height, width;
};

/** Rows/columns the filter may read: the box itself (a crop then resized, as RandomResizedCrop) or the whole image. */
struct Bounds {
  int y0, y1, x0, x1;  // half-open
};

struct OutputSpec {
  int height, width;
  bool flip;            // mirror left-right while writing
  const float* mean;    // 3 entries, or null for none
  const float* stdev;   // 3 entries, or null for none
  float* out;           // 3 planes of height x width
};

/** Source rows [y, y1) needed for `box` resampled to `out_h` rows within `bounds` (taps included). */
void neededRows(const Box& box, const Bounds& bounds, int out_h, int* first, int* last);
void neededCols(const Box& box, const Bounds& bounds, int out_w, int* first, int* last);

/**
 * Resamples `box` of an RGB image to the output. `pixels` holds source rows [row0, row0 + rows) and columns
 * [col0, col0 + cols) (3 bytes per pixel, `stride` bytes per row): the part of the image the filter reads.
 */
void resampleRgb(const uint8_t* pixels, int row0, int rows, int col0, int cols, int stride, const Box& box, const Bounds& bounds, const OutputSpec& out);

}  // namespace leanconv_image
