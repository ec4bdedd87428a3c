#include "resample.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace leanconv_image {
namespace {

// One output pixel's taps: the first source index and its normalised weights.
struct Taps {
  std::vector<int> first;
  std::vector<int> count;
  std::vector<float> weights;  // `stride` per output pixel
  int stride = 0;
};

float triangle(double x) {
  x = std::fabs(x);
  return x < 1.0 ? static_cast<float>(1.0 - x) : 0.0f;
}

// Pillow's precompute_coeffs for the bilinear filter, on the box [in0, in0 + length) limited to [lo, hi).
void computeTaps(double in0, double length, int lo, int hi, int out_size, Taps& taps) {
  const double scale = length / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = filter_scale;  // the triangle's support is 1, widened by the downscale factor
  taps.stride = static_cast<int>(std::ceil(support)) * 2 + 1;
  taps.first.assign(out_size, 0);
  taps.count.assign(out_size, 0);
  taps.weights.assign(static_cast<size_t>(out_size) * taps.stride, 0.0f);
  const double inv = 1.0 / filter_scale;
  for (int i = 0; i < out_size; ++i) {
    const double center = in0 + (i + 0.5) * scale;
    int x_min = std::max(static_cast<int>(std::floor(center - support + 0.5)), lo);
    int x_max = std::min(static_cast<int>(std::floor(center + support + 0.5)), hi);
    if (x_max <= x_min) {  // a box narrower than a pixel at an edge: take the nearest pixel
      x_min = std::min(std::max(static_cast<int>(std::floor(center)), lo), hi - 1);
      x_max = x_min + 1;
    }
    const int n = std::min(x_max - x_min, taps.stride);
    float* w = &taps.weights[static_cast<size_t>(i) * taps.stride];
    double total = 0;
    for (int k = 0; k < n; ++k) {
      w[k] = triangle((x_min + k - center + 0.5) * inv);
      total += w[k];
    }
    if (total <= 0) {
      w[0] = 1.0f;
      total = 1.0;
    }
    for (int k = 0; k < n; ++k) w[k] = static_cast<float>(w[k] / total);
    taps.first[i] = x_min;
    taps.count[i] = n;
  }
}

thread_local Taps rowTaps, colTaps;
thread_local std::vector<float> horizontal, vertical;

}  // namespace

Bounds boundsFor(const Box& box, bool clampToBox, int height, int width) {
  if (!clampToBox) return Bounds{0, height, 0, width};
  // The box's pixels, with a margin for the rounding of a scaled box's edges.
  return Bounds{std::max(0, static_cast<int>(std::floor(box.top + 1e-6))), std::min(height, static_cast<int>(std::ceil(box.top + box.height - 1e-6))),
                std::max(0, static_cast<int>(std::floor(box.left + 1e-6))), std::min(width, static_cast<int>(std::ceil(box.left + box.width - 1e-6)))};
}

namespace {
int lastTap(const Taps& taps) {
  int last = 0;
  for (size_t i = 0; i < taps.first.size(); ++i) last = std::max(last, taps.first[i] + taps.count[i]);
  return last;
}
}  // namespace

Footprint prepareResample(const Box& box, const Bounds& bounds, int out_h, int out_w) {
  computeTaps(box.top, box.height, bounds.y0, bounds.y1, out_h, rowTaps);
  computeTaps(box.left, box.width, bounds.x0, bounds.x1, out_w, colTaps);
  return Footprint{rowTaps.first.front(), lastTap(rowTaps), colTaps.first.front(), lastTap(colTaps)};
}

namespace {

// One output pixel of the horizontal pass: the weighted sum of n source pixels as R, G, B and an unused lane.
inline void horizontalTap(const uint8_t* p, const float* w, int n, bool may_overread, float* dst) {
#if defined(__SSE2__)
  if (may_overread) {
    // Each pixel is read as 4 bytes (its RGB and the next pixel's R, whose lane is ignored).
    const __m128i zero = _mm_setzero_si128();
    __m128 acc = _mm_setzero_ps();
    for (int k = 0; k < n; ++k, p += 3) {
      int32_t bytes;
      std::memcpy(&bytes, p, 4);
      const __m128i px = _mm_unpacklo_epi16(_mm_unpacklo_epi8(_mm_cvtsi32_si128(bytes), zero), zero);
      acc = _mm_add_ps(acc, _mm_mul_ps(_mm_cvtepi32_ps(px), _mm_set1_ps(w[k])));
    }
    _mm_storeu_ps(dst, acc);
    return;
  }
#endif
  float s0 = 0, s1 = 0, s2 = 0;
  for (int k = 0; k < n; ++k, p += 3) {
    s0 += w[k] * p[0];
    s1 += w[k] * p[1];
    s2 += w[k] * p[2];
  }
  dst[0] = s0;
  dst[1] = s1;
  dst[2] = s2;
  dst[3] = 0;
}

}  // namespace

void resampleRgb(const uint8_t* pixels, int row0, int rows, int col0, int cols, int stride, const OutputSpec& out) {
  const int oh = out.height, ow = out.width;
  const uint8_t* end = pixels + static_cast<size_t>(rows - 1) * stride + static_cast<size_t>(cols) * 3;
  // Plain pointers: thread_local vectors would be looked up again on every access.
  const int* col_first = colTaps.first.data();
  const int* col_count = colTaps.count.data();
  const float* col_weights = colTaps.weights.data();
  const int col_stride = colTaps.stride;
  // Horizontal pass over the rows the vertical taps read, into rows of `ow` float RGBx pixels.
  horizontal.resize(static_cast<size_t>(rows) * ow * 4);
  float* hrows = horizontal.data();
  for (int r = 0; r < rows; ++r) {
    const uint8_t* src = pixels + static_cast<size_t>(r) * stride;
    float* dst = hrows + static_cast<size_t>(r) * ow * 4;
    int x = 0;
#if defined(__SSE2__)
    // Four output pixels at a time: four independent sums keep the adds' latency hidden. Each runs the group's
    // largest tap count (weights beyond a pixel's own taps are zero), so it may read a few pixels past its taps.
    const __m128i zero = _mm_setzero_si128();
    for (; x + 4 <= ow; x += 4) {
      const int n = std::max(std::max(col_count[x], col_count[x + 1]), std::max(col_count[x + 2], col_count[x + 3]));
      const uint8_t* p[4];
      for (int j = 0; j < 4; ++j) p[j] = src + (col_first[x + j] - col0) * 3;
      if (p[3] + 3 * n + 1 > end || p[0] + 3 * n + 1 > end) break;
      const float* w = col_weights + static_cast<size_t>(x) * col_stride;
      __m128 acc[4] = {_mm_setzero_ps(), _mm_setzero_ps(), _mm_setzero_ps(), _mm_setzero_ps()};
      for (int k = 0; k < n; ++k) {
        for (int j = 0; j < 4; ++j) {
          int32_t bytes;
          std::memcpy(&bytes, p[j] + 3 * k, 4);
          const __m128i px = _mm_unpacklo_epi16(_mm_unpacklo_epi8(_mm_cvtsi32_si128(bytes), zero), zero);
          acc[j] = _mm_add_ps(acc[j], _mm_mul_ps(_mm_cvtepi32_ps(px), _mm_set1_ps(w[j * col_stride + k])));
        }
      }
      for (int j = 0; j < 4; ++j) _mm_storeu_ps(dst + 4 * (x + j), acc[j]);
    }
#endif
    for (; x < ow; ++x) {
      const uint8_t* p = src + (col_first[x] - col0) * 3;
      const int n = col_count[x];
      horizontalTap(p, col_weights + static_cast<size_t>(x) * col_stride, n, p + 3 * n < end, dst + 4 * x);
    }
  }
  // Vertical pass, then scale to [0, 1], normalise, mirror and de-interleave into the planes.
  float gain[3], bias[3];
  for (int c = 0; c < 3; ++c) {
    const float m = out.mean ? out.mean[c] : 0.0f;
    const float s = out.stdev ? out.stdev[c] : 1.0f;
    gain[c] = 1.0f / (255.0f * s);
    bias[c] = -m / s;
  }
  const int* row_first = rowTaps.first.data();
  const int* row_count = rowTaps.count.data();
  const float* row_weights = rowTaps.weights.data();
  const int row_stride = rowTaps.stride;
  const size_t plane = static_cast<size_t>(oh) * ow;
  const int width4 = ow * 4;
  vertical.resize(static_cast<size_t>(width4));
  float* __restrict acc = vertical.data();
  for (int y = 0; y < oh; ++y) {
    const float* w = row_weights + static_cast<size_t>(y) * row_stride;
    const float* __restrict first = hrows + static_cast<size_t>(row_first[y] - row0) * width4;
    for (int i = 0; i < width4; ++i) acc[i] = w[0] * first[i];
    for (int k = 1, n = row_count[y]; k < n; ++k) {
      const float* __restrict src = first + static_cast<size_t>(k) * width4;
      const float wk = w[k];
      for (int i = 0; i < width4; ++i) acc[i] += wk * src[i];
    }
    float* r_plane = out.out + static_cast<size_t>(y) * ow;
    float* g_plane = r_plane + plane;
    float* b_plane = g_plane + plane;
    for (int x = 0; x < ow; ++x) {
      const int ox = out.flip ? ow - 1 - x : x;
      const float* v = acc + 4 * x;
      r_plane[ox] = std::min(std::max(v[0], 0.0f), 255.0f) * gain[0] + bias[0];
      g_plane[ox] = std::min(std::max(v[1], 0.0f), 255.0f) * gain[1] + bias[1];
      b_plane[ox] = std::min(std::max(v[2], 0.0f), 255.0f) * gain[2] + bias[2];
    }
  }
}

void copyPlanarWindow(const uint8_t* pixels, int channels, int height, int width, const PlanarWindow& w) {
  const int64_t plane = static_cast<int64_t>(w.out_height) * w.out_width;
  // Every byte's value as the float transforms compute it: x / 255, then (x - mean) / std, each rounded to float32.
  float table[256];
  for (int c = 0; c < w.out_channels; ++c) {
    for (int v = 0; v < 256; ++v) {
      const float scaled = static_cast<float>(v / 255.0);
      table[v] = w.mean ? static_cast<float>((static_cast<double>(scaled) - w.mean[c]) / w.stdev[c]) : scaled;
    }
    const uint8_t* plane_in = pixels + static_cast<size_t>(channels == 1 ? 0 : c) * height * width;
    float* plane_out = w.out + c * plane;
    for (int y = 0; y < w.out_height; ++y) {
      const int sy = w.top + y;
      float* row = plane_out + static_cast<int64_t>(y) * w.out_width;
      for (int x = 0; x < w.out_width; ++x) {
        const int sx = w.left + (w.flip ? w.out_width - 1 - x : x);
        const bool inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
        row[x] = table[inside ? plane_in[static_cast<size_t>(sy) * width + sx] : 0];
      }
    }
  }
}

}  // namespace leanconv_image
