// 3x3 convolution (stride 1, padding 1, one group) by Winograd's minimal filtering F(M x M, 3x3), on channels-last
// float32 inputs (see kernels.h). Each M x M output tile is computed from its (M + 2) x (M + 2) input window as
//   Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A,
// so the 9·M² multiply-adds per output tile and channel pair of a direct conv become (M + 2)², spent in (M + 2)²
// GEMMs (one per position of the transformed tile) of [tiles, Cin] x [Cin, Cout]. F(2x2, 3x3) does 2.25x less work
// than a direct conv and its transforms only add; F(4x4, 3x3) does 4x less, its transforms also multiply by small
// constants, and it rounds about 10x more (1e-5 of the output's scale at 128 channels, against 1e-6). oneDNN in
// libtorch 1.13 runs these convs (every 3x3 conv of a ResNet but the strided ones) directly, at 80-90% of the CPU's
// GEMM peak (bench/roofline.py): as fast as a direct conv gets.
// Work is split in blocks of tiles: a thread transforms a block's input into a buffer that stays in its L2,
// multiplies it 16 output channels at a time into a buffer that stays in L1, and transforms that into the
// output, with the bias, an optional residual (added) and an optional ReLU applied on the way (the epilogue of
// a ResNet block), so nothing of the transformed tensors reaches memory. Training uses the same algorithm for
// both gradients: the input gradient is the same kind of conv (WinogradConvFunction), the weight gradient
// its adjoint (WeightGradient), with the same tiles. On CPUs with AVX-512 the products and, where the channels
// are a multiple of 16, the transforms use 16-float vectors: there oneDNN's own kernels are AVX-512 ones, and the
// AVX2 version lost to them at every ResNet shape (0.35-1.04x).
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gemm_avx2.h"
#include "gemm_avx512.h"
#include "kernels.h"

namespace leanconv {

namespace {

KernelToggle gToggle("winogradConv", "LEANCONV_NATIVE_WINOGRAD_CONV", [] { return CpuHasAvx2Fma(); });
// Whether it also trains (an autograd node when a gradient is recorded).
KernelToggle gTrainingToggle("winogradConvTraining", "LEANCONV_NATIVE_WINOGRAD_CONV_TRAINING", [] { return CpuHasAvx2Fma(); });
// Whether the conv and its gradients run F(4x4, 3x3) rather than F(2x2, 3x3), for convs of up to 128 channels in
// and out. Wider ones keep F(2x2, 3x3): a block's products read every transformed weight (36 x Cin x
// Cout floats, 9.4 MiB at 256) once per 12 tiles, and at [16, 256, 14, 14] F(4x4) measured no faster than F(2x2),
// with AVX-512 or under the AVX2 cap (1.00x, 0.99x: bench/results/kernels-winograd-f4*.md).
KernelToggle gLargeTilesToggle("winogradLargeTiles", "LEANCONV_NATIVE_WINOGRAD_LARGE_TILES", [] { return CpuHasAvx2Fma(); });
// The tile size M for one run of a conv (or of a gradient) with these channel counts; runs with 4 are counted.
int TileFor(int64_t cin, int64_t cout) {
  if (!gLargeTilesToggle.enabled() || cin > 128 || cout > 128) return 2;
  gLargeTilesToggle.countRun();
  return 4;
}

using gemm::kLanes;
using gemm::kPanel;  // output channels per packed weight panel
using gemm::kRows;   // tiles per register block
// Positions of a transformed tile of F(M x M, 3x3): its (M + 2) x (M + 2) window.
template <int M>
constexpr int64_t kPositions = (M + 2) * (M + 2);
constexpr float kNoBias[kPanel] = {};  // the products' (the bias is added after the output transform)
// Tiles a thread transforms at a time: the forward's block (F(2x2): 4 AVX2 register blocks; F(4x4): one AVX-512
// block, 2 AVX2 ones: about as many transformed values per channel as F(2x2)'s 24 tiles, 432 against 384, for twice
// the outputs), and the weight gradient's, whose output-gradient transforms stay in L1 (for F(2x2), 12-24 measured
// alike, 32 and 48 slower at 16 channels).
template <int M>
constexpr int64_t kBlockTiles = M == 2 ? 24 : 12;
constexpr int64_t kSumTiles = 24;
// Widest convs taken (inputs and outputs). An F(2x2) block's transformed input (16 x 24 tiles x Cin floats) is read once
// per panel of 16 outputs and the weight gradient keeps 16 sums per channel pair per thread: at 256 channels
// that is 384 KiB and 4 MiB, and a [16, 256, 14, 14] conv still trains faster than with libtorch's kernels
// (bench/kernels.ts); at 512 (768 KiB, 16 MiB) it trained slower than libtorch in a measurement that was not kept.
constexpr int64_t kMaxChannels = 256;

#if defined(__x86_64__)
// Where one output tile lies: its image's input, its top-left output pixel.
struct Tile {
  int64_t image, y, x;
};

// Tile `id` of a batch whose images have tilesH x tilesW tiles of M x M pixels, in row-major order within each image.
template <int M>
Tile TileAt(int64_t id, int64_t tilesH, int64_t tilesW) {
  const int64_t within = id % (tilesH * tilesW);
  return {id / (tilesH * tilesW), within / tilesW * M, within % tilesW * M};
}

// The tile after t in that order, without TileAt's divisions (a few per tile cost as much as a 16-channel transform).
template <int M>
Tile NextTile(Tile t, int64_t tilesH, int64_t tilesW) {
  if ((t.x += M) < M * tilesW) return t;
  t.x = 0;
  if ((t.y += M) < M * tilesH) return t;
  return {t.image + 1, 0, 0};
}

// The transforms are written once over GCC vector types of 8 and 16 floats and compiled twice, for AVX2 and for
// AVX-512, by the target of the wrapper that inlines them (xxx8 / xxx16 below).
// (Their helpers pass vectors by value; they are always inlined, so the ABI GCC warns about is never used.)
#pragma GCC diagnostic ignored "-Wpsabi"
typedef float Floats8 __attribute__((vector_size(32)));
typedef float Floats16 __attribute__((vector_size(64)));
#define LC_INLINE __attribute__((always_inline)) inline

template <typename V>
LC_INLINE V Load(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof(V));
  return v;
}
template <typename V>
LC_INLINE void Store(float* p, V v) {
  std::memcpy(p, &v, sizeof(V));
}
template <typename V>
constexpr int64_t kWidth = sizeof(V) / sizeof(float);

// The one-dimensional transforms, applied to the window's columns and then to its rows. F(2x2, 3x3) adds and
// subtracts (Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], Aᵀ = [1 1 1 0; 0 1 -1 -1]); F(4x4, 3x3), at the points
// 0, ±1, ±2 and infinity, also multiplies by 2, 4, 5 and 8 (Bᵀ = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0;
// 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1], Aᵀ = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]).
template <typename V>
LC_INLINE void InputLine(const V (&d)[4], V (&o)[4]) {
  o[0] = d[0] - d[2];
  o[1] = d[1] + d[2];
  o[2] = d[2] - d[1];
  o[3] = d[1] - d[3];
}
template <typename V>
LC_INLINE void InputLine(const V (&d)[6], V (&o)[6]) {
  const V a = d[4] - 4.f * d[2], b = d[3] - 4.f * d[1], c = d[4] - d[2], e = 2.f * (d[3] - d[1]);
  o[0] = 4.f * d[0] - 5.f * d[2] + d[4];
  o[1] = a + b;
  o[2] = a - b;
  o[3] = c + e;
  o[4] = c - e;
  o[5] = 4.f * d[1] - 5.f * d[3] + d[5];
}
template <typename V>
LC_INLINE void OutputLine(const V (&m)[4], V (&y)[2]) {
  y[0] = m[0] + m[1] + m[2];
  y[1] = m[1] - m[2] - m[3];
}
template <typename V>
LC_INLINE void OutputLine(const V (&m)[6], V (&y)[4]) {
  const V p = m[1] + m[2], q = m[1] - m[2], s = m[3] + m[4], t = m[3] - m[4];
  y[0] = m[0] + p + s;
  y[1] = q + 2.f * t;
  y[2] = p + 4.f * s;
  y[3] = q + 8.f * t + m[5];
}

// Bᵀ d B for one vector of channels of one tile: d is the (M + 2)² input window at (y - 1, x - 1), null rows outside
// the image (zero); v[p·ldp + c] receives position p of the transformed tile.
template <typename V, int M, bool kInterior>
LC_INLINE void InputTransformVectors(const float* const (&rows)[M + 2][M + 2], int64_t ch, float* v, int64_t ldp) {
  constexpr int A = M + 2;
  V s[A][A];  // Bᵀ d: combine rows, a column at a time
  for (int j = 0; j < A; ++j) {
    V column[A], out[A];
    for (int i = 0; i < A; ++i) column[i] = kInterior || rows[i][j] != nullptr ? Load<V>(rows[i][j] + ch) : V{};
    InputLine(column, out);
    for (int i = 0; i < A; ++i) s[i][j] = out[i];
  }
  for (int i = 0; i < A; ++i) {  // (Bᵀ d) B: combine columns
    V out[A];
    InputLine(s[i], out);
    for (int q = 0; q < A; ++q) Store(v + (i * A + q) * ldp + ch, out[q]);
  }
}

// Bᵀ d B for every channel vector of one tile (c a multiple of the vector width). Interior tiles (most of them)
// load without the bounds tests.
template <typename V, int M>
LC_INLINE void InputTransformTile(const float* image, int64_t h, int64_t w, int64_t c, const Tile& t, float* v, int64_t ldp) {
  constexpr int A = M + 2;
  const float* rows[A][A];
  if (t.y >= 1 && t.y + M < h && t.x >= 1 && t.x + M < w) {  // interior: no bounds to test
    const float* corner = image + ((t.y - 1) * w + t.x - 1) * c;
    for (int i = 0; i < A; ++i)
      for (int j = 0; j < A; ++j) rows[i][j] = corner + (i * w + j) * c;
    for (int64_t ch = 0; ch < c; ch += kWidth<V>) InputTransformVectors<V, M, true>(rows, ch, v, ldp);
    return;
  }
  for (int i = 0; i < A; ++i) {
    for (int j = 0; j < A; ++j) {
      const int64_t y = t.y - 1 + i, x = t.x - 1 + j;
      rows[i][j] = y >= 0 && y < h && x >= 0 && x < w ? image + (y * w + x) * c : nullptr;
    }
  }
  for (int64_t ch = 0; ch < c; ch += kWidth<V>) InputTransformVectors<V, M, false>(rows, ch, v, ldp);
}

// Aᵀ m A for one tile and one vector of output channels (m[p·ldp]), plus bias, residual and ReLU, stored to the
// tile's output pixels inside the image.
template <typename V, int M>
LC_INLINE void OutputTransformVector(const float* m, int64_t ldp, const float* biasVector, const Tile& t, int64_t h, int64_t w,
                                     int64_t cout, int64_t channel, float* out, const float* residual, bool relu) {
  constexpr int A = M + 2;
  V s[M][A];  // Aᵀ m: combine rows, a column at a time
  for (int j = 0; j < A; ++j) {
    V column[A], lines[M];
    for (int i = 0; i < A; ++i) column[i] = Load<V>(m + (i * A + j) * ldp);
    OutputLine(column, lines);
    for (int i = 0; i < M; ++i) s[i][j] = lines[i];
  }
  const V zero{}, bias = Load<V>(biasVector);
  for (int i = 0; i < M; ++i) {
    const int64_t y = t.y + i;
    if (y >= h) break;
    V values[M];  // (Aᵀ m) A: combine columns
    OutputLine(s[i], values);
    for (int j = 0; j < M; ++j) {
      const int64_t x = t.x + j;
      if (x >= w) break;
      const int64_t at = ((t.image * h + y) * w + x) * cout + channel;
      V value = values[j] + bias;
      if (residual != nullptr) value += Load<V>(residual + at);
      if (relu) value = value > zero ? value : zero;
      Store(out + at, value);
    }
  }
}

// A for the weight gradient, one line at a time: the transpose of the forward's Aᵀ (InputLine's comment), M values
// of the output gradient to M + 2.
template <typename V>
LC_INLINE void GradientLine(const V (&d)[2], V (&z)[4]) {
  z[0] = d[0];
  z[1] = d[0] + d[1];
  z[2] = d[0] - d[1];
  z[3] = -d[1];
}
template <typename V>
LC_INLINE void GradientLine(const V (&d)[4], V (&z)[6]) {
  const V even = d[0] + d[2], odd = d[1] + d[3], even4 = d[0] + 4.f * d[2], odd4 = 2.f * d[1] + 8.f * d[3];
  z[0] = d[0];
  z[1] = even + odd;
  z[2] = even - odd;
  z[3] = even4 + odd4;
  z[4] = even4 - odd4;
  z[5] = d[3];
}

// A dy Aᵀ for every vector of output channels of one tile's M x M output gradient (zero outside the image);
// z[p·ldp + k] receives position p.
template <typename V, int M>
LC_INLINE void GradientTransformTile(const float* grad, int64_t h, int64_t w, int64_t k, const Tile& t, float* z, int64_t ldp) {
  constexpr int A = M + 2;
  const float* at[M][M];
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < M; ++j) at[i][j] = t.y + i < h && t.x + j < w ? grad + ((t.image * h + t.y + i) * w + t.x + j) * k : nullptr;
  for (int64_t ch = 0; ch < k; ch += kWidth<V>) {
    V s[A][M];  // A dy: combine rows, a column at a time
    for (int j = 0; j < M; ++j) {
      V column[M], out[A];
      for (int i = 0; i < M; ++i) column[i] = at[i][j] != nullptr ? Load<V>(at[i][j] + ch) : V{};
      GradientLine(column, out);
      for (int i = 0; i < A; ++i) s[i][j] = out[i];
    }
    for (int i = 0; i < A; ++i) {  // (A dy) Aᵀ: combine columns
      V out[A];
      GradientLine(s[i], out);
      for (int q = 0; q < A; ++q) Store(z + (i * A + q) * ldp + ch, out[q]);
    }
  }
}

// The transforms compiled for each vector width (16: AVX-512, for channel counts that are multiples of 16).
using InputTransformFn = void (*)(const float*, int64_t, int64_t, int64_t, const Tile&, float*, int64_t);
using OutputTransformFn = void (*)(const float*, int64_t, const float*, const Tile&, int64_t, int64_t, int64_t, int64_t, float*,
                                   const float*, bool);
template <int M>
__attribute__((target("avx2,fma"))) void InputTransform8(const float* image, int64_t h, int64_t w, int64_t c, const Tile& t, float* v,
                                                         int64_t ldp) {
  InputTransformTile<Floats8, M>(image, h, w, c, t, v, ldp);
}
template <int M>
__attribute__((target("avx512f"))) void InputTransform16(const float* image, int64_t h, int64_t w, int64_t c, const Tile& t, float* v,
                                                         int64_t ldp) {
  InputTransformTile<Floats16, M>(image, h, w, c, t, v, ldp);
}
template <int M>
__attribute__((target("avx2,fma"))) void OutputTransform8(const float* m, int64_t ldp, const float* bias, const Tile& t, int64_t h,
                                                          int64_t w, int64_t cout, int64_t channel, float* out, const float* residual,
                                                          bool relu) {
  OutputTransformVector<Floats8, M>(m, ldp, bias, t, h, w, cout, channel, out, residual, relu);
}
template <int M>
__attribute__((target("avx512f"))) void OutputTransform16(const float* m, int64_t ldp, const float* bias, const Tile& t, int64_t h,
                                                          int64_t w, int64_t cout, int64_t channel, float* out, const float* residual,
                                                          bool relu) {
  OutputTransformVector<Floats16, M>(m, ldp, bias, t, h, w, cout, channel, out, residual, relu);
}
template <int M>
__attribute__((target("avx2,fma"))) void GradientTransform8(const float* grad, int64_t h, int64_t w, int64_t k, const Tile& t, float* z,
                                                            int64_t ldp) {
  GradientTransformTile<Floats8, M>(grad, h, w, k, t, z, ldp);
}
template <int M>
__attribute__((target("avx512f"))) void GradientTransform16(const float* grad, int64_t h, int64_t w, int64_t k, const Tile& t, float* z,
                                                            int64_t ldp) {
  GradientTransformTile<Floats16, M>(grad, h, w, k, t, z, ldp);
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

// TileSum in AVX-512: R ≤ 12 input channels r, the 16 output channels in one vector.
template <int R>
__attribute__((target("avx512f"))) void WideTileSum(const float* v, int64_t ldv, const float* z, int64_t ldz, int64_t count,
                                                    float* m, int64_t ldm) {
  __m512 c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11;
#define LEANCONV_LOAD(r) \
  if constexpr (R > r) c##r = _mm512_loadu_ps(m + r * ldm);
  LEANCONV_LOAD(0) LEANCONV_LOAD(1) LEANCONV_LOAD(2) LEANCONV_LOAD(3) LEANCONV_LOAD(4) LEANCONV_LOAD(5)
  LEANCONV_LOAD(6) LEANCONV_LOAD(7) LEANCONV_LOAD(8) LEANCONV_LOAD(9) LEANCONV_LOAD(10) LEANCONV_LOAD(11)
#undef LEANCONV_LOAD
  for (int64_t i = 0; i < count; ++i) {
    const __m512 zv = _mm512_loadu_ps(z + i * ldz);
    const float* vi = v + i * ldv;
#define LEANCONV_ROW(r) \
  if constexpr (R > r) c##r = _mm512_fmadd_ps(_mm512_set1_ps(vi[r]), zv, c##r);
    LEANCONV_ROW(0) LEANCONV_ROW(1) LEANCONV_ROW(2) LEANCONV_ROW(3) LEANCONV_ROW(4) LEANCONV_ROW(5)
    LEANCONV_ROW(6) LEANCONV_ROW(7) LEANCONV_ROW(8) LEANCONV_ROW(9) LEANCONV_ROW(10) LEANCONV_ROW(11)
#undef LEANCONV_ROW
  }
#define LEANCONV_STORE(r) \
  if constexpr (R > r) _mm512_storeu_ps(m + r * ldm, c##r);
  LEANCONV_STORE(0) LEANCONV_STORE(1) LEANCONV_STORE(2) LEANCONV_STORE(3) LEANCONV_STORE(4) LEANCONV_STORE(5)
  LEANCONV_STORE(6) LEANCONV_STORE(7) LEANCONV_STORE(8) LEANCONV_STORE(9) LEANCONV_STORE(10) LEANCONV_STORE(11)
#undef LEANCONV_STORE
}

template <std::size_t... R>
constexpr std::array<TileSumFn, sizeof...(R)> WideTileSums(std::index_sequence<R...>) {
  return {&WideTileSum<static_cast<int>(R) + 1>...};
}

TileSumFn WideTileSumFor(int64_t rows) {
  static constexpr auto table = WideTileSums(std::make_index_sequence<gemm::kWideRows>());
  return table[std::clamp<int64_t>(rows, 1, gemm::kWideRows) - 1];
}

#endif

// Floats between two positions of a packed weight panel: cin rows of 16 lanes and one row of padding, so that
// the 16 positions of one filter do not fall in the same L1 set (cin·64 bytes apart is a multiple of 4 KiB at
// 64 channels).
int64_t PositionStride(int64_t cin) { return (cin + 1) * kPanel; }

// A thread's scratch buffer `slot`, kept for the thread's life and grown as needed: the block buffers and adjoint weights
// below are hundreds of KiB to MiB, which malloc would map fresh (and the kernel page-fault in) on every call.
enum ScratchSlot { kTransformed, kProducts, kGradients, kSums, kAdjointWeights, kScratchSlots };
float* Scratch(ScratchSlot slot, int64_t floats) {
  thread_local std::array<std::vector<float>, kScratchSlots> buffers;
  std::vector<float>& buffer = buffers[slot];
  if (static_cast<int64_t>(buffer.size()) < floats) buffer.resize(static_cast<size_t>(floats));
  return buffer.data();
}

// G for F(M x M, 3x3), (M + 2) x 3 (the points of InputLine's comment).
constexpr double kFilterTransform2[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
constexpr double kFilterTransform4[6][3] = {{1. / 4, 0, 0},          {-1. / 6, -1. / 6, -1. / 6}, {-1. / 6, 1. / 6, -1. / 6},
                                            {1. / 24, 1. / 12, 1. / 6}, {1. / 24, -1. / 12, 1. / 6}, {0, 0, 1}};
template <int M>
constexpr const auto& FilterTransform() {
  if constexpr (M == 2) return kFilterTransform2;
  else return kFilterTransform4;
}

// G g Gᵀ for every (input, output) channel pair, packed as [panel][position][cin + 1][16] (zero beyond cout).
// With `adjoint`, the kernel of the conv that computes the input gradient: outputs and inputs swapped and
// each 3x3 filter rotated by 180 degrees (a stride-1, padding-1 conv's adjoint is such a conv).
int64_t TransformedWeightSize(const at::Tensor& weight, bool adjoint, int tile) {
  const int64_t cout = adjoint ? weight.size(1) : weight.size(0), cin = adjoint ? weight.size(0) : weight.size(1);
  return (cout + kPanel - 1) / kPanel * (tile + 2) * (tile + 2) * PositionStride(cin);
}

template <int M>
void TransformWeight(const at::Tensor& weight, bool adjoint, float* packed) {
  constexpr int A = M + 2;
  const auto& G = FilterTransform<M>();
  const int64_t cout = adjoint ? weight.size(1) : weight.size(0), cin = adjoint ? weight.size(0) : weight.size(1);
  const int64_t stride = PositionStride(cin);
  const at::Tensor wc = weight.contiguous();
  const float* g = wc.data_ptr<float>();
  std::fill(packed, packed + TransformedWeightSize(weight, adjoint, M), 0.f);
  const auto transform = [&](int64_t o, int64_t i) {
    double f[3][3];
    for (int k = 0; k < 9; ++k) f[k / 3][k % 3] = adjoint ? g[(i * cout + o) * 9 + 8 - k] : g[(o * cin + i) * 9 + k];
    double gf[A][3];  // G g
    for (int r = 0; r < A; ++r)
      for (int c = 0; c < 3; ++c) gf[r][c] = G[r][0] * f[0][c] + G[r][1] * f[1][c] + G[r][2] * f[2][c];
    float* lane = packed + o / kPanel * kPositions<M> * stride + i * kPanel + o % kPanel;
    for (int r = 0; r < A; ++r) {  // (G g) Gᵀ
      for (int q = 0; q < A; ++q) {
        lane[(r * A + q) * stride] = static_cast<float>(gf[r][0] * G[q][0] + gf[r][1] * G[q][1] + gf[r][2] * G[q][2]);
      }
    }
  };
  // Read the source weight in its own order: [cout][cin] for the forward, [cin][cout] for the adjoint. Every pair
  // writes its own lanes, so rows run in parallel (a training step transforms every kernel twice).
  at::parallel_for(0, adjoint ? cin : cout, 8, [&](int64_t first, int64_t last) {
    for (int64_t a = first; a < last; ++a) {
      for (int64_t b = 0; b < (adjoint ? cout : cin); ++b) adjoint ? transform(b, a) : transform(a, b);
    }
  });
}

void TransformWeight(const at::Tensor& weight, bool adjoint, int tile, float* packed) {
  tile == 4 ? TransformWeight<4>(weight, adjoint, packed) : TransformWeight<2>(weight, adjoint, packed);
}

// Transformed weights of recent calls, so that a model's convs transform their kernels once and not on every
// batch (at batch 1 the transform costs more than the conv). An entry is reused only while its weight is
// alive, unmodified (libtorch bumps a tensor's version on every in-place write, optimizer steps and
// load_state_dict included) and at the same address; entries of freed weights are dropped on the next miss.
class TransformedWeights {
 public:
  // The weight's transform for F(tile x tile, 3x3).
  std::shared_ptr<const std::vector<float>> get(const at::Tensor& weight, int tile) {
    const c10::TensorImpl* impl = weight.unsafeGetTensorImpl();
    const uint32_t version = weight._version();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const Entry& e : entries_) {
        if (e.impl == impl && !e.alive.expired() && e.version == version && e.data == weight.data_ptr() && e.tile == tile) {
          return e.packed;
        }
      }
    }
    // A weight that changed (every training step) reuses its stale entry's buffer when nothing else holds it.
    std::shared_ptr<std::vector<float>> packed;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (Entry& e : entries_) {
        if (e.impl == impl && e.packed.use_count() == 1) packed = std::move(e.packed);
      }
    }
    if (!packed) packed = std::make_shared<std::vector<float>>();
    packed->resize(static_cast<size_t>(TransformedWeightSize(weight, /*adjoint=*/false, tile)));
    TransformWeight(weight, /*adjoint=*/false, tile, packed->data());
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [impl](const Entry& e) { return e.alive.expired() || e.impl == impl; }),
                   entries_.end());
    if (entries_.size() >= kCapacity) entries_.erase(entries_.begin());
    entries_.push_back({impl, c10::weak_intrusive_ptr<c10::TensorImpl>(weight.getIntrusivePtr()), version, weight.data_ptr(), tile,
                        packed});
    return packed;
  }

 private:
  static constexpr size_t kCapacity = 512;
  struct Entry {
    const c10::TensorImpl* impl;
    c10::weak_intrusive_ptr<c10::TensorImpl> alive;
    uint32_t version;
    const void* data;
    int tile;
    std::shared_ptr<std::vector<float>> packed;
  };
  std::mutex mutex_;
  std::vector<Entry> entries_;
};

TransformedWeights gTransformed;

// The conv of a channels-last input with weights u transformed for F(M x M, 3x3) (cout outputs), plus bias (cout
// values or null), residual (or undefined), then ReLU if relu.
template <int M>
at::Tensor Forward(const at::Tensor& input, const float* u, int64_t cout, const float* bias, const at::Tensor& residual,
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
  const int64_t tilesH = (h + M - 1) / M, tilesW = (w + M - 1) / M, tiles = n * tilesH * tilesW;
  const int64_t blocks = (tiles + kBlockTiles<M> - 1) / kBlockTiles<M>;
  const bool wide = CpuHasAvx512Core();
  const int64_t blockRows = wide ? gemm::kWideRows : kRows;
  const InputTransformFn inputTransform = wide && c % 16 == 0 ? &InputTransform16<M> : &InputTransform8<M>;
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    float* v = Scratch(kTransformed, kPositions<M> * kBlockTiles<M> * c);  // [position][tile][cin]
    float* m = Scratch(kProducts, kPositions<M> * kBlockTiles<M> * kPanel);  // [position][tile][16]
    std::array<Tile, kBlockTiles<M>> block;
    for (int64_t b = begin; b < end; ++b) {
      const int64_t t0 = b * kBlockTiles<M>, count = std::min(kBlockTiles<M>, tiles - t0);
      for (int64_t t = 0; t < count; ++t) {
        block[t] = t == 0 ? TileAt<M>(t0, tilesH, tilesW) : NextTile<M>(block[t - 1], tilesH, tilesW);
        inputTransform(x + block[t].image * h * w * c, h, w, c, block[t], v + t * c, kBlockTiles<M> * c);
      }
      for (int64_t panel = 0; panel < panels; ++panel) {
        const float* up = u + panel * kPositions<M> * PositionStride(c);
        for (int64_t p = 0; p < kPositions<M>; ++p) {
          for (int64_t t = 0; t < count; t += blockRows) {
            const int64_t rows = std::min(blockRows, count - t);
            (wide ? gemm::WideMicroFor(rows) : gemm::MicroFor<2>(rows))(v + (p * kBlockTiles<M> + t) * c, c, up + p * PositionStride(c),
                                                                        c, kNoBias, m + (p * kBlockTiles<M> + t) * kPanel, kPanel, kPanel);
          }
        }
        // A whole panel of 16 channels in one AVX-512 vector, else 8 at a time.
        const int64_t valid = std::min(kPanel, cout - panel * kPanel), step = wide && valid == kPanel ? kPanel : kLanes;
        const OutputTransformFn outputTransform = step == kPanel ? &OutputTransform16<M> : &OutputTransform8<M>;
        for (int64_t part = 0; part < valid; part += step) {
          const float* bv = paddedBias.data() + panel * kPanel + part;
          for (int64_t t = 0; t < count; ++t) {
            outputTransform(m + t * kPanel + part, kBlockTiles<M> * kPanel, bv, block[t], h, w, cout, panel * kPanel + part, y, r,
                            relu);
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

// The conv by F(tile x tile, 3x3) (TileFor), of the weight as it is (transformed once, cached) or of its adjoint
// (see TransformWeight; transformed on every call, as it changes on every training step).
at::Tensor Conv(const at::Tensor& input, const at::Tensor& weight, bool adjoint, const float* bias, const at::Tensor& residual, bool relu) {
  const int64_t cout = adjoint ? weight.size(1) : weight.size(0);
  const int tile = TileFor(input.size(1), cout);
  std::shared_ptr<const std::vector<float>> cached;
  const float* u;
  if (adjoint) {
    float* transformed = Scratch(kAdjointWeights, TransformedWeightSize(weight, /*adjoint=*/true, tile));
    TransformWeight(weight, /*adjoint=*/true, tile, transformed);
    u = transformed;
  } else {
    cached = gTransformed.get(weight, tile);
    u = cached->data();
  }
  return tile == 4 ? Forward<4>(input, u, cout, bias, residual, relu) : Forward<2>(input, u, cout, bias, residual, relu);
}

// dW[j][i] = Gᵀ m G for input channel i and every output channel j < k, m[p·ldm + j] holding position p of the
// summed products (G: FilterTransform); o is the [k, c, 3, 3] gradient.
template <int M>
void ColumnGradient(const float* m, int64_t ldm, int64_t k, int64_t c, int64_t i, float* o) {
  constexpr int A = M + 2;
  const auto& G = FilterTransform<M>();
  for (int64_t j = 0; j < k; ++j) {
    double s[3][A];  // Gᵀ m
    for (int a = 0; a < 3; ++a) {
      for (int q = 0; q < A; ++q) {
        double sum = 0;
        for (int r = 0; r < A; ++r) sum += G[r][a] * m[(r * A + q) * ldm + j];
        s[a][q] = sum;
      }
    }
    float* f = o + (j * c + i) * 9;
    for (int a = 0; a < 3; ++a) {  // (Gᵀ m) G
      for (int b = 0; b < 3; ++b) {
        double sum = 0;
        for (int q = 0; q < A; ++q) sum += s[a][q] * G[q][b];
        f[a * 3 + b] = static_cast<float>(sum);
      }
    }
  }
}

// The weight gradient of the conv, dW = Gᵀ [Σ_tiles (Bᵀ d B) ⊙ (A dy Aᵀ)] G per (output, input) channel pair
// (y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A is linear in g, this is its adjoint): the same input transform as the forward,
// (M + 2)² GEMMs [cin, tiles] x [tiles, cout] summed over all tiles, one small transform at the end. Each thread
// sums its own tiles; the threads' sums are added in a fixed order.
template <int M>
at::Tensor WeightGradient(const at::Tensor& input, const at::Tensor& grad) {
#if defined(__x86_64__)
  const int64_t n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3), k = grad.size(1);
  const int64_t panels = (k + kPanel - 1) / kPanel, ldm = panels * kPanel, sumSize = kPositions<M> * c * ldm;
  const int64_t tilesH = (h + M - 1) / M, tilesW = (w + M - 1) / M, tiles = n * tilesH * tilesW;
  const int64_t blocks = (tiles + kSumTiles - 1) / kSumTiles;
  const bool wide = CpuHasAvx512Core();
  const int64_t sumRows = wide ? gemm::kWideRows : kRows;
  const InputTransformFn inputTransform = wide && c % 16 == 0 ? &InputTransform16<M> : &InputTransform8<M>;
  const auto gradientTransform = wide && k % 16 == 0 ? &GradientTransform16<M> : &GradientTransform8<M>;
  const int threads = at::get_num_threads();
  std::vector<float*> sums(static_cast<size_t>(threads), nullptr);  // [position][cin][panels·16] per thread that ran
  const float* x = input.data_ptr<float>();
  const float* dy = grad.data_ptr<float>();
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    float*& m = sums[static_cast<size_t>(at::get_thread_num())];
    if (m == nullptr) {
      m = Scratch(kSums, sumSize);
      std::fill(m, m + sumSize, 0.f);
    }
    float* v = Scratch(kTransformed, kPositions<M> * kSumTiles * c);  // [position][tile][cin]
    float* z = Scratch(kGradients, kPositions<M> * kSumTiles * ldm);  // [position][tile][cout, padded with zeros]
    if (ldm != k) std::fill(z, z + kPositions<M> * kSumTiles * ldm, 0.f);
    for (int64_t b = begin; b < end; ++b) {
      const int64_t t0 = b * kSumTiles, count = std::min(kSumTiles, tiles - t0);
      Tile tile = TileAt<M>(t0, tilesH, tilesW);
      for (int64_t t = 0; t < count; ++t, tile = NextTile<M>(tile, tilesH, tilesW)) {
        inputTransform(x + tile.image * h * w * c, h, w, c, tile, v + t * c, kSumTiles * c);
        gradientTransform(dy, h, w, k, tile, z + t * ldm, kSumTiles * ldm);
      }
      for (int64_t p = 0; p < kPositions<M>; ++p) {
        for (int64_t r = 0; r < c; r += sumRows) {
          const TileSumFn run = wide ? WideTileSumFor(std::min(sumRows, c - r)) : TileSumFor(std::min(sumRows, c - r));
          for (int64_t panel = 0; panel < panels; ++panel) {
            run(v + p * kSumTiles * c + r, c, z + p * kSumTiles * ldm + panel * kPanel, ldm, count, m + (p * c + r) * ldm + panel * kPanel,
                ldm);
          }
        }
      }
    }
  });
  at::Tensor out = at::empty({k, c, 3, 3}, input.options().memory_format(at::MemoryFormat::Contiguous));
  float* o = out.data_ptr<float>();
  // The threads' sums, added in thread order, and transformed back, input channels in parallel.
  at::parallel_for(0, c, 8, [&](int64_t first, int64_t last) {
    std::vector<float> total(static_cast<size_t>(kPositions<M> * ldm));
    for (int64_t i = first; i < last; ++i) {
      std::fill(total.begin(), total.end(), 0.f);
      for (const float* m : sums) {
        if (m == nullptr) continue;
        for (int64_t p = 0; p < kPositions<M>; ++p) {
          for (int64_t j = 0; j < k; ++j) total[p * ldm + j] += m[(p * c + i) * ldm + j];
        }
      }
      ColumnGradient<M>(total.data(), ldm, k, c, i, o);
    }
  });
  return out;
#else
  TORCH_CHECK(false, "WinogradConv needs an x86-64 CPU with AVX2 and FMA");
#endif
}

// With a gradient to record: the forward and the input gradient by the same kernel (the input gradient of a
// stride-1, padding-1 3x3 conv is such a conv of the output gradient, see TransformWeight), the weight gradient
// by its adjoint (WeightGradient). The weight gradient transforms the input again rather than keeping the
// forward's transform, which is 2.25x (F(4x4)) to 4x (F(2x2)) the input's size.
struct WinogradConvFunction : public torch::autograd::Function<WinogradConvFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weight,
                            const at::Tensor& bias) {
    ctx->save_for_backward({input, weight});
    ctx->saved_data["hasBias"] = bias.numel() > 0;
    const at::Tensor b = bias.numel() > 0 ? bias.contiguous() : at::Tensor();
    return Conv(input, weight, /*adjoint=*/false, b.defined() ? b.data_ptr<float>() : nullptr, at::Tensor(), false);
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
      gradInput = Conv(grad, weight, /*adjoint=*/true, nullptr, at::Tensor(), false);
    }
    if (ctx->needs_input_grad(1)) {
      // In the weight's own layout, as libtorch's kernel returns it (models keep channels-last weights).
      const bool large = TileFor(input.size(1), weight.size(0)) == 4;
      gradWeight = (large ? WeightGradient<4>(input, grad) : WeightGradient<2>(input, grad)).contiguous(weight.suggest_memory_format());
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
  if (ConvRecordsGradient(input, weight, bias) && !gTrainingToggle.enabled()) return false;
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
    gTrainingToggle.countRun();
    // An empty tensor for no bias: autograd functions take defined tensors.
    return WinogradConvFunction::apply(input, weight, bias ? *bias : at::empty({0}, input.options()));
  }
  const at::Tensor b = bias ? bias->contiguous() : at::Tensor();
  return Conv(input, weight, /*adjoint=*/false, b.defined() ? b.data_ptr<float>() : nullptr, residual, relu);
}

KernelToggle& WinogradConvToggle() { return gToggle; }
KernelToggle& WinogradConvTrainingToggle() { return gTrainingToggle; }
KernelToggle& WinogradLargeTilesToggle() { return gLargeTilesToggle; }

}  // namespace leanconv
