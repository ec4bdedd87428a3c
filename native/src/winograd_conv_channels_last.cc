// 3x3 convolution (stride 1, padding 1, one group) by Winograd's minimal filtering F(2x2, 3x3), on
// channels-last float32 inputs (see kernels.h). Each 2x2 output tile is computed from its 4x4 input tile as
//   Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A,
// so the 36 multiply-adds per output tile and channel pair of a direct conv become 16, spent in 16 GEMMs
// (one per position of the 4x4 transformed tile) of [tiles, Cin] x [Cin, Cout]; the transforms are additions
// only. oneDNN in libtorch 1.13 runs these convs (every 3x3 conv of a ResNet but the strided ones) directly,
// at 80-90% of the CPU's GEMM peak (bench/roofline.py): as fast as a direct conv gets, and 2.25x the work.
// Work is split in blocks of tiles: a thread transforms a block's input into a buffer that stays in its L2,
// multiplies it 16 output channels at a time into a buffer that stays in L1, and transforms that into the
// output, with the bias, an optional residual (added) and an optional ReLU applied on the way (the epilogue of
// a ResNet block), so nothing of the transformed tensors reaches memory. Training uses the same algorithm for
// both gradients: the input gradient is the same kind of conv (WinogradConvFunction), the weight gradient
// its adjoint (WeightGradient). Results differ from a direct conv's by float rounding (the transforms add
// and subtract inputs before the products): about 1e-6 of the output's scale.
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gemm_avx2.h"
#include "kernels.h"

namespace leanconv {

namespace {

// On where oneDNN runs AVX2 code: with AVX-512 its direct convs do twice the work per instruction and outran this
// kernel at every ResNet shape of bench/kernels.ts (0.35-1.04x, forward and training, on a Zen 5 EPYC).
KernelToggle gToggle("LEANCONV_NATIVE_WINOGRAD_CONV", [] { return CpuHasAvx2Fma() && !CpuHasAvx512Core(); });

using gemm::kLanes;
using gemm::kPanel;  // output channels per packed weight panel
using gemm::kRows;   // tiles per register block
constexpr int64_t kPositions = 16;  // 4x4 transformed tile
constexpr float kNoBias[kPanel] = {};  // the products' (the bias is added after the output transform)
// Tiles a thread transforms at a time: the forward's block of 4 register blocks, and the weight gradient's,
// whose output-gradient transforms stay in L1 (12-24 measured alike, 32 and 48 slower at 16 channels).
constexpr int64_t kBlockTiles = 24;
constexpr int64_t kSumTiles = 24;
// Widest convs taken (inputs and outputs). A block's transformed input (16 x 24 tiles x Cin floats) is read once
// per panel of 16 outputs and the weight gradient keeps 16 sums per channel pair per thread: at 256 channels
// that is 384 KiB and 4 MiB, and a [16, 256, 14, 14] conv still trains faster than with libtorch's kernels
// (bench/kernels.ts); at 512 (768 KiB, 16 MiB) it trained slower than libtorch in a measurement that was not kept.
constexpr int64_t kMaxChannels = 256;

#if defined(__x86_64__)
// Where one 2x2 output tile lies: its image's input, its top-left output pixel.
struct Tile {
  int64_t image, y, x;
};

// Tile `id` of a batch whose images have tilesH x tilesW tiles, in row-major order within each image.
Tile TileAt(int64_t id, int64_t tilesH, int64_t tilesW) {
  const int64_t within = id % (tilesH * tilesW);
  return {id / (tilesH * tilesW), within / tilesW * 2, within % tilesW * 2};
}

// Bᵀ d B for every channel vector of one tile: d is the 4x4 input window at (y - 1, x - 1), zero outside
// the image; v[p·ldp + c] receives position p of the transformed tile.
template <bool kInterior>
__attribute__((target("avx2,fma"))) inline void InputTransformVectors(const float* const (&rows)[4][4], int64_t ch, float* v,
                                                                     int64_t ldp) {
  const __m256 zero = _mm256_setzero_ps();
  __m256 d[4][4];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) d[i][j] = kInterior || rows[i][j] != nullptr ? _mm256_loadu_ps(rows[i][j] + ch) : zero;
  __m256 s[4][4];  // Bᵀ d: combine rows
  for (int j = 0; j < 4; ++j) {
    s[0][j] = _mm256_sub_ps(d[0][j], d[2][j]);
    s[1][j] = _mm256_add_ps(d[1][j], d[2][j]);
    s[2][j] = _mm256_sub_ps(d[2][j], d[1][j]);
    s[3][j] = _mm256_sub_ps(d[1][j], d[3][j]);
  }
  for (int i = 0; i < 4; ++i) {  // (Bᵀ d) B: combine columns
    float* o = v + i * 4 * ldp + ch;
    _mm256_storeu_ps(o, _mm256_sub_ps(s[i][0], s[i][2]));
    _mm256_storeu_ps(o + ldp, _mm256_add_ps(s[i][1], s[i][2]));
    _mm256_storeu_ps(o + 2 * ldp, _mm256_sub_ps(s[i][2], s[i][1]));
    _mm256_storeu_ps(o + 3 * ldp, _mm256_sub_ps(s[i][1], s[i][3]));
  }
}

// Bᵀ d B for every channel vector of one tile: d is the 4x4 input window at (y - 1, x - 1), zero outside
// the image; v[p·ldp + c] receives position p of the transformed tile. Interior tiles (most of them) load
// without the bounds tests.
__attribute__((target("avx2,fma"))) void InputTransform(const float* image, int64_t h, int64_t w, int64_t c, const Tile& t,
                                                        float* v, int64_t ldp) {
  const float* rows[4][4];
  if (t.y >= 1 && t.y + 2 < h && t.x >= 1 && t.x + 2 < w) {  // interior: no bounds to test
    const float* corner = image + ((t.y - 1) * w + t.x - 1) * c;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) rows[i][j] = corner + (i * w + j) * c;
    for (int64_t ch = 0; ch < c; ch += kLanes) InputTransformVectors<true>(rows, ch, v, ldp);
    return;
  }
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      const int64_t y = t.y - 1 + i, x = t.x - 1 + j;
      rows[i][j] = y >= 0 && y < h && x >= 0 && x < w ? image + (y * w + x) * c : nullptr;
    }
  }
  for (int64_t ch = 0; ch < c; ch += kLanes) InputTransformVectors<false>(rows, ch, v, ldp);
}

// Aᵀ m A for one tile and one vector of 8 output channels (m[p·ldp]), plus bias, residual and ReLU, stored
// to the tile's output pixels inside the image.
__attribute__((target("avx2,fma"))) void OutputTransform(const float* m, int64_t ldp, const float* biasVector, const Tile& t, int64_t h,
                                                         int64_t w, int64_t cout, int64_t channel, float* out,
                                                         const float* residual, bool relu) {
  __m256 s[2][4];  // Aᵀ m: combine rows
  for (int j = 0; j < 4; ++j) {
    const __m256 m0 = _mm256_loadu_ps(m + j * ldp), m1 = _mm256_loadu_ps(m + (4 + j) * ldp);
    const __m256 m2 = _mm256_loadu_ps(m + (8 + j) * ldp), m3 = _mm256_loadu_ps(m + (12 + j) * ldp);
    s[0][j] = _mm256_add_ps(_mm256_add_ps(m0, m1), m2);
    s[1][j] = _mm256_sub_ps(_mm256_sub_ps(m1, m2), m3);
  }
  const __m256 zero = _mm256_setzero_ps(), bias = _mm256_loadu_ps(biasVector);
  for (int i = 0; i < 2; ++i) {
    const int64_t y = t.y + i;
    if (y >= h) break;
    const __m256 y0 = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(s[i][0], s[i][1]), s[i][2]), bias);
    const __m256 y1 = _mm256_add_ps(_mm256_sub_ps(_mm256_sub_ps(s[i][1], s[i][2]), s[i][3]), bias);
    const __m256 values[2] = {y0, y1};
    for (int j = 0; j < 2; ++j) {
      const int64_t x = t.x + j;
      if (x >= w) break;
      const int64_t at = ((t.image * h + y) * w + x) * cout + channel;
      __m256 value = values[j];
      if (residual != nullptr) value = _mm256_add_ps(value, _mm256_loadu_ps(residual + at));
      if (relu) value = _mm256_max_ps(value, zero);
      _mm256_storeu_ps(out + at, value);
    }
  }
}

// Weight gradient: M[r][0..16) += Σ_i V[i][r]·Z[i][0..16) over `count` tiles i, for R input channels r; V holds
// a tile's channels contiguously (tile stride ldv), Z a tile's 16 output channels (tile stride ldz).
template <int R>
__attribute__((target("avx2,fma"))) void TileSum(const float* v, int64_t ldv, const float* z, int64_t ldz, int64_t count, float* m,
                                                 int64_t ldm) {
  __m256 c00 = _mm256_loadu_ps(m), c01 = _mm256_loadu_ps(m + kLanes);
  __m256 c10 = R > 1 ? _mm256_loadu_ps(m + ldm) : c00, c11 = R > 1 ? _mm256_loadu_ps(m + ldm + kLanes) : c01;
  __m256 c20 = R > 2 ? _mm256_loadu_ps(m + 2 * ldm) : c00, c21 = R > 2 ? _mm256_loadu_ps(m + 2 * ldm + kLanes) : c01;
  __m256 c30 = R > 3 ? _mm256_loadu_ps(m + 3 * ldm) : c00, c31 = R > 3 ? _mm256_loadu_ps(m + 3 * ldm + kLanes) : c01;
  __m256 c40 = R > 4 ? _mm256_loadu_ps(m + 4 * ldm) : c00, c41 = R > 4 ? _mm256_loadu_ps(m + 4 * ldm + kLanes) : c01;
  __m256 c50 = R > 5 ? _mm256_loadu_ps(m + 5 * ldm) : c00, c51 = R > 5 ? _mm256_loadu_ps(m + 5 * ldm + kLanes) : c01;
  for (int64_t i = 0; i < count; ++i) {
    const __m256 z0 = _mm256_loadu_ps(z + i * ldz), z1 = _mm256_loadu_ps(z + i * ldz + kLanes);
#define LEANCONV_ROW(r)                                       \
  if constexpr (R > r) {                                      \
    const __m256 a = _mm256_broadcast_ss(v + i * ldv + r);    \
    c##r##0 = _mm256_fmadd_ps(a, z0, c##r##0);                \
    c##r##1 = _mm256_fmadd_ps(a, z1, c##r##1);                \
  }
    LEANCONV_ROW(0) LEANCONV_ROW(1) LEANCONV_ROW(2) LEANCONV_ROW(3) LEANCONV_ROW(4) LEANCONV_ROW(5)
#undef LEANCONV_ROW
  }
  const __m256 acc[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  for (int r = 0; r < R; ++r) {
    _mm256_storeu_ps(m + r * ldm, acc[r][0]);
    _mm256_storeu_ps(m + r * ldm + kLanes, acc[r][1]);
  }
}

using TileSumFn = void (*)(const float*, int64_t, const float*, int64_t, int64_t, float*, int64_t);

TileSumFn TileSumFor(int64_t rows) {
  switch (rows) {
    case 1: return &TileSum<1>;
    case 2: return &TileSum<2>;
    case 3: return &TileSum<3>;
    case 4: return &TileSum<4>;
    case 5: return &TileSum<5>;
    default: return &TileSum<6>;
  }
}

// A dy Aᵀ for every vector of 8 output channels of one tile's 2x2 output gradient (zero outside the image);
// z[p·ldp + k] receives position p (A = [1 0; 1 1; 1 -1; 0 -1], the transpose of the forward's Aᵀ).
__attribute__((target("avx2,fma"))) void GradientTransform(const float* grad, int64_t h, int64_t w, int64_t k, const Tile& t,
                                                           float* z, int64_t ldp) {
  const float* at[2][2];
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) at[i][j] = t.y + i < h && t.x + j < w ? grad + ((t.image * h + t.y + i) * w + t.x + j) * k : nullptr;
  const __m256 zero = _mm256_setzero_ps();
  for (int64_t ch = 0; ch < k; ch += kLanes) {
    __m256 d[2][2];
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j) d[i][j] = at[i][j] != nullptr ? _mm256_loadu_ps(at[i][j] + ch) : zero;
    __m256 s[4][2];  // A dy: combine rows
    for (int j = 0; j < 2; ++j) {
      s[0][j] = d[0][j];
      s[1][j] = _mm256_add_ps(d[0][j], d[1][j]);
      s[2][j] = _mm256_sub_ps(d[0][j], d[1][j]);
      s[3][j] = _mm256_sub_ps(zero, d[1][j]);
    }
    for (int i = 0; i < 4; ++i) {  // (A dy) Aᵀ: combine columns
      float* o = z + i * 4 * ldp + ch;
      _mm256_storeu_ps(o, s[i][0]);
      _mm256_storeu_ps(o + ldp, _mm256_add_ps(s[i][0], s[i][1]));
      _mm256_storeu_ps(o + 2 * ldp, _mm256_sub_ps(s[i][0], s[i][1]));
      _mm256_storeu_ps(o + 3 * ldp, _mm256_sub_ps(zero, s[i][1]));
    }
  }
}
#endif

// Floats between two positions of a packed weight panel: cin rows of 16 lanes and one row of padding, so that
// the 16 positions of one filter do not fall in the same L1 set (cin·64 bytes apart is a multiple of 4 KiB at
// 64 channels).
int64_t PositionStride(int64_t cin) { return (cin + 1) * kPanel; }

// G g Gᵀ for every (input, output) channel pair, packed as [panel][position][cin + 1][16] (zero beyond cout).
// With `adjoint`, the kernel of the conv that computes the input gradient: outputs and inputs swapped and
// each 3x3 filter rotated by 180 degrees (a stride-1, padding-1 conv's adjoint is such a conv).
std::vector<float> TransformWeight(const at::Tensor& weight, bool adjoint) {
  const int64_t cout = adjoint ? weight.size(1) : weight.size(0), cin = adjoint ? weight.size(0) : weight.size(1);
  const int64_t panels = (cout + kPanel - 1) / kPanel, stride = PositionStride(cin);
  const at::Tensor wc = weight.to(at::kDouble).contiguous();
  const double* g = wc.data_ptr<double>();
  std::vector<float> packed(static_cast<size_t>(panels * kPositions * stride), 0.f);
  const auto transform = [&](int64_t o, int64_t i) {
    double f[9];
    for (int k = 0; k < 9; ++k) f[k] = adjoint ? g[(i * cout + o) * 9 + 8 - k] : g[(o * cin + i) * 9 + k];
    double gg[4][3];  // G g
    for (int c = 0; c < 3; ++c) {
      gg[0][c] = f[c];
      gg[1][c] = 0.5 * (f[c] + f[3 + c] + f[6 + c]);
      gg[2][c] = 0.5 * (f[c] - f[3 + c] + f[6 + c]);
      gg[3][c] = f[6 + c];
    }
    float* lane = packed.data() + o / kPanel * kPositions * stride + i * kPanel + o % kPanel;
    for (int r = 0; r < 4; ++r) {  // (G g) Gᵀ
      const double u[4] = {gg[r][0], 0.5 * (gg[r][0] + gg[r][1] + gg[r][2]), 0.5 * (gg[r][0] - gg[r][1] + gg[r][2]), gg[r][2]};
      for (int c = 0; c < 4; ++c) lane[(r * 4 + c) * stride] = static_cast<float>(u[c]);
    }
  };
  // Read the source weight in its own order: [cout][cin] for the forward, [cin][cout] for the adjoint.
  for (int64_t a = 0; a < (adjoint ? cin : cout); ++a) {
    for (int64_t b = 0; b < (adjoint ? cout : cin); ++b) adjoint ? transform(b, a) : transform(a, b);
  }
  return packed;
}

// Transformed weights of recent calls, so that a model's convs transform their kernels once and not on every
// batch (at batch 1 the transform costs more than the conv). An entry is reused only while its weight is
// alive, unmodified (libtorch bumps a tensor's version on every in-place write, optimizer steps and
// load_state_dict included) and at the same address; entries of freed weights are dropped on the next miss.
class TransformedWeights {
 public:
  std::shared_ptr<const std::vector<float>> get(const at::Tensor& weight) {
    const c10::TensorImpl* impl = weight.unsafeGetTensorImpl();
    const uint32_t version = weight._version();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const Entry& e : entries_) {
        if (e.impl == impl && !e.alive.expired() && e.version == version && e.data == weight.data_ptr()) return e.packed;
      }
    }
    auto packed = std::make_shared<const std::vector<float>>(TransformWeight(weight, /*adjoint=*/false));
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [impl](const Entry& e) { return e.alive.expired() || e.impl == impl; }),
                   entries_.end());
    if (entries_.size() >= kCapacity) entries_.erase(entries_.begin());
    entries_.push_back({impl, c10::weak_intrusive_ptr<c10::TensorImpl>(weight.getIntrusivePtr()), version, weight.data_ptr(), packed});
    return packed;
  }

 private:
  static constexpr size_t kCapacity = 512;
  struct Entry {
    const c10::TensorImpl* impl;
    c10::weak_intrusive_ptr<c10::TensorImpl> alive;
    uint32_t version;
    const void* data;
    std::shared_ptr<const std::vector<float>> packed;
  };
  std::mutex mutex_;
  std::vector<Entry> entries_;
};

TransformedWeights gTransformed;

// The conv of a channels-last input with transformed weights u (cout outputs), plus bias (cout values or
// null), residual (or undefined), then ReLU if relu.
at::Tensor Forward(const at::Tensor& input, const std::vector<float>& u, int64_t cout, const float* bias, const at::Tensor& residual,
                   bool relu) {
#if defined(__x86_64__)
  const int64_t n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
  const int64_t panels = (cout + kPanel - 1) / kPanel;
  std::vector<float> paddedBias(static_cast<size_t>(panels * kPanel), 0.f);
  if (bias != nullptr) std::copy(bias, bias + cout, paddedBias.begin());
  at::Tensor out = at::empty({n, cout, h, w}, input.options().memory_format(at::MemoryFormat::ChannelsLast));
  at::Tensor res;
  if (residual.defined()) {
    TORCH_CHECK(residual.sizes() == out.sizes(), "WinogradConv: the residual must have the output's shape");
    res = residual.contiguous(at::MemoryFormat::ChannelsLast);
  }
  const float* x = input.data_ptr<float>();
  float* y = out.data_ptr<float>();
  const float* r = res.defined() ? res.data_ptr<float>() : nullptr;
  const int64_t tilesH = (h + 1) / 2, tilesW = (w + 1) / 2, tiles = n * tilesH * tilesW;
  const int64_t blocks = (tiles + kBlockTiles - 1) / kBlockTiles;
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> v(static_cast<size_t>(kPositions * kBlockTiles * c));       // [position][tile][cin]
    std::vector<float> m(static_cast<size_t>(kPositions * kBlockTiles * kPanel));  // [position][tile][16]
    std::array<Tile, kBlockTiles> block;
    for (int64_t b = begin; b < end; ++b) {
      const int64_t t0 = b * kBlockTiles, count = std::min(kBlockTiles, tiles - t0);
      for (int64_t t = 0; t < count; ++t) {
        block[t] = TileAt(t0 + t, tilesH, tilesW);
        InputTransform(x + block[t].image * h * w * c, h, w, c, block[t], v.data() + t * c, kBlockTiles * c);
      }
      for (int64_t panel = 0; panel < panels; ++panel) {
        const float* up = u.data() + panel * kPositions * PositionStride(c);
        for (int64_t p = 0; p < kPositions; ++p) {
          for (int64_t t = 0; t < count; t += kRows) {
            gemm::MicroFor<2>(std::min(kRows, count - t))(v.data() + (p * kBlockTiles + t) * c, c, up + p * PositionStride(c), c,
                                                          kNoBias, m.data() + (p * kBlockTiles + t) * kPanel, kPanel, kPanel);
          }
        }
        const int64_t valid = std::min(kPanel, cout - panel * kPanel);
        for (int64_t half = 0; half < valid; half += kLanes) {
          const float* bv = paddedBias.data() + panel * kPanel + half;
          for (int64_t t = 0; t < count; ++t) {
            OutputTransform(m.data() + t * kPanel + half, kBlockTiles * kPanel, bv, block[t], h, w, cout,
                            panel * kPanel + half, y, r, relu);
          }
        }
      }
    }
  });
  return out;
#else
  TORCH_CHECK(false, "WinogradConv needs an x86-64 CPU with AVX2 and FMA");
#endif
}

// The weight gradient of the conv, dW = Gᵀ [Σ_tiles (Bᵀ d B) ⊙ (A dy Aᵀ)] G per (output, input) channel pair
// (y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A is linear in g, this is its adjoint): the same input transform as the forward,
// 16 GEMMs [cin, tiles] x [tiles, cout] summed over all tiles, one small transform at the end. Each thread
// sums its own tiles; the threads' sums are added in a fixed order.
at::Tensor WeightGradient(const at::Tensor& input, const at::Tensor& grad) {
#if defined(__x86_64__)
  const int64_t n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3), k = grad.size(1);
  const int64_t panels = (k + kPanel - 1) / kPanel, ldm = panels * kPanel, sumSize = kPositions * c * ldm;
  const int64_t tilesH = (h + 1) / 2, tilesW = (w + 1) / 2, tiles = n * tilesH * tilesW;
  const int64_t blocks = (tiles + kSumTiles - 1) / kSumTiles;
  const int threads = at::get_num_threads();
  std::vector<std::vector<float>> sums(static_cast<size_t>(threads));  // [position][cin][panels·16] each
  const float* x = input.data_ptr<float>();
  const float* dy = grad.data_ptr<float>();
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    std::vector<float>& m = sums[static_cast<size_t>(at::get_thread_num())];
    if (m.empty()) m.assign(static_cast<size_t>(sumSize), 0.f);
    std::vector<float> v(static_cast<size_t>(kPositions * kSumTiles * c));    // [position][tile][cin]
    std::vector<float> z(static_cast<size_t>(kPositions * kSumTiles * ldm), 0.f);  // [position][tile][cout, padded]
    for (int64_t b = begin; b < end; ++b) {
      const int64_t t0 = b * kSumTiles, count = std::min(kSumTiles, tiles - t0);
      for (int64_t t = 0; t < count; ++t) {
        const Tile tile = TileAt(t0 + t, tilesH, tilesW);
        InputTransform(x + tile.image * h * w * c, h, w, c, tile, v.data() + t * c, kSumTiles * c);
        GradientTransform(dy, h, w, k, tile, z.data() + t * ldm, kSumTiles * ldm);
      }
      for (int64_t p = 0; p < kPositions; ++p) {
        for (int64_t r = 0; r < c; r += kRows) {
          const TileSumFn run = TileSumFor(std::min(kRows, c - r));
          for (int64_t panel = 0; panel < panels; ++panel) {
            run(v.data() + p * kSumTiles * c + r, c, z.data() + p * kSumTiles * ldm + panel * kPanel, ldm, count,
                m.data() + (p * c + r) * ldm + panel * kPanel, ldm);
          }
        }
      }
    }
  });
  std::vector<float> total(static_cast<size_t>(sumSize), 0.f);
  for (const std::vector<float>& m : sums) {
    if (m.empty()) continue;
    for (int64_t i = 0; i < sumSize; ++i) total[i] += m[i];
  }
  at::Tensor out = at::empty({k, c, 3, 3}, input.options().memory_format(at::MemoryFormat::Contiguous));
  float* o = out.data_ptr<float>();
  for (int64_t i = 0; i < c; ++i) {
    for (int64_t j = 0; j < k; ++j) {
      double mm[4][4];
      for (int p = 0; p < kPositions; ++p) mm[p / 4][p % 4] = total[(p * c + i) * ldm + j];
      double s[3][4];  // Gᵀ m, Gᵀ = [1 .5 .5 0; 0 .5 -.5 0; 0 .5 .5 1]
      for (int q = 0; q < 4; ++q) {
        s[0][q] = mm[0][q] + 0.5 * (mm[1][q] + mm[2][q]);
        s[1][q] = 0.5 * (mm[1][q] - mm[2][q]);
        s[2][q] = 0.5 * (mm[1][q] + mm[2][q]) + mm[3][q];
      }
      float* f = o + (j * c + i) * 9;
      for (int a = 0; a < 3; ++a) {  // (Gᵀ m) G
        f[a * 3] = static_cast<float>(s[a][0] + 0.5 * (s[a][1] + s[a][2]));
        f[a * 3 + 1] = static_cast<float>(0.5 * (s[a][1] - s[a][2]));
        f[a * 3 + 2] = static_cast<float>(0.5 * (s[a][1] + s[a][2]) + s[a][3]);
      }
    }
  }
  return out;
#else
  TORCH_CHECK(false, "WinogradConv needs an x86-64 CPU with AVX2 and FMA");
#endif
}

// With a gradient to record: the forward and the input gradient by the same kernel (the input gradient of a
// stride-1, padding-1 3x3 conv is such a conv of the output gradient, see TransformWeight), the weight gradient
// by its adjoint (WeightGradient). The weight gradient transforms the input again rather than keeping the
// forward's transform, which is 4x the input's size.
struct WinogradConvFunction : public torch::autograd::Function<WinogradConvFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weight,
                            const at::Tensor& bias) {
    ctx->save_for_backward({input, weight});
    ctx->saved_data["hasBias"] = bias.numel() > 0;
    const at::Tensor b = bias.numel() > 0 ? bias.contiguous() : at::Tensor();
    return Forward(input, *gTransformed.get(weight), weight.size(0), b.defined() ? b.data_ptr<float>() : nullptr,
                   at::Tensor(), false);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list gradOutputs) {
    if (!gradOutputs[0].defined()) return torch::autograd::variable_list(3);
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& input = saved[0];
    const at::Tensor& weight = saved[1];
    const at::Tensor grad = gradOutputs[0].contiguous(at::MemoryFormat::ChannelsLast);
    at::Tensor gradInput, gradWeight, gradBias;
    if (ctx->needs_input_grad(0)) {
      gradInput = Forward(grad, TransformWeight(weight, /*adjoint=*/true), input.size(1), nullptr, at::Tensor(), false);
    }
    if (ctx->needs_input_grad(1)) {
      // In the weight's own layout, as libtorch's kernel returns it (models keep channels-last weights).
      gradWeight = WeightGradient(input, grad).contiguous(weight.suggest_memory_format());
    }
    if (ctx->saved_data["hasBias"].toBool() && ctx->needs_input_grad(2)) gradBias = grad.sum({0, 2, 3});
    return {gradInput, gradWeight, gradBias};
  }
};

}  // namespace

bool WinogradConvApplies(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                         at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups) {
  // Training too: a gradient to record makes it an autograd node (WinogradConv).
  if (!gToggle.enabled() || !CpuHasAvx2Fma() || !CpuFloatConvOperands(input, weight, bias)) return false;
  if (groups != 1 || weight.size(2) != 3 || weight.size(3) != 3 || weight.size(1) != input.size(1)) return false;
  for (int k = 0; k < 2; ++k) {
    if (stride[k] != 1 || padding[k] != 1 || dilation[k] != 1) return false;
  }
  // Whole vectors of channels on both sides (the input gradient is the same kind of conv, outputs and inputs
  // swapped); channels-last input (NCHW goes to libtorch, including tensors that are both, such as 1x1 maps).
  if (input.size(1) % kLanes != 0 || weight.size(0) % kLanes != 0) return false;
  if (input.size(1) > kMaxChannels || weight.size(0) > kMaxChannels) return false;
  return input.is_contiguous(at::MemoryFormat::ChannelsLast) && !input.is_contiguous();
}

at::Tensor WinogradConv(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                        const at::Tensor& residual, bool relu) {
  RECORD_FUNCTION("leanconv::winograd_conv", std::vector<c10::IValue>());  // named in op profiles
  gToggle.countRun();
  if (ConvRecordsGradient(input, weight, bias)) {
    TORCH_CHECK(!residual.defined() && !relu, "WinogradConv: the fused epilogue is for inference only");
    // An empty tensor for no bias: autograd functions take defined tensors.
    return WinogradConvFunction::apply(input, weight, bias ? *bias : at::empty({0}, input.options()));
  }
  const at::Tensor b = bias ? bias->contiguous() : at::Tensor();
  return Forward(input, *gTransformed.get(weight), weight.size(0), b.defined() ? b.data_ptr<float>() : nullptr, residual, relu);
}

KernelToggle& WinogradConvToggle() { return gToggle; }

}  // namespace leanconv
