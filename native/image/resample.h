// Windows of 8-bit images into normalised planar floats of a batch: resampled with the antialiased bilinear filter
// (the triangle whose support widens with the downscale factor, as Pillow's Image.resize(BILINEAR), what
// torchvision's transforms run on PIL images), or copied whole-pixel from a planar image.
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

/** The filter's bounds for `box` in an image of `height` x `width`: the box itself (clampToBox) or the whole image. */
Bounds boundsFor(const Box& box, bool clampToBox, int height, int width);

/** The source rows [row_first, row_last) and columns [col_first, col_last) a resampling reads. */
struct Footprint {
  int row_first, row_last, col_first, col_last;
};

/**
 * Computes this thread's filter taps for `box` (within `bounds`) resampled to the output's size, and returns the
 * part of the source they read; the next resampleRgb on this thread uses these taps.
 */
Footprint prepareResample(const Box& box, const Bounds& bounds, int out_h, int out_w);

/**
 * Resamples the prepared box of an RGB image to the output. `pixels` holds source rows [row0, row0 + rows) and
 * columns [col0, col0 + cols) (3 bytes per pixel, `stride` bytes per row): at least the prepared footprint.
 */
void resampleRgb(const uint8_t* pixels, int row0, int rows, int col0, int cols, int stride, const OutputSpec& out);

/** The planar window of one image in a batch: its corner in source pixels (outside the image: zeros) and the output. */
struct PlanarWindow {
  int top, left;
  int out_channels, out_height, out_width;  // out_channels 3 from a 1-channel source repeats the gray channel
  bool flip;
  const double* mean;   // out_channels entries, or null
  const double* stdev;
  float* out;
};

/**
 * Copies a window of an 8-bit planar [channels, height, width] image, scaled to [0, 1] and normalised with each
 * step rounded to float32, as the float transforms compute it (bit-identical to them).
 */
void copyPlanarWindow(const uint8_t* pixels, int channels, int height, int width, const PlanarWindow& window);

}  // namespace leanconv_image
