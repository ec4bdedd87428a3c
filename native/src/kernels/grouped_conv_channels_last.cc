// Inference-only 3x3 grouped convolution for channels-last float32 inputs with few outputs per group
// (see kernels.h). oneDNN in libtorch 1.13 runs HCGNet's squeeze-cell convs (4 groups, 3-9 outputs per
// group) at about 15% of this CPU's float32 GEMM peak: 7.0 ms for a batch-64 48→12 conv at 32x32 in
// channels-last (`python3 bench/torch_profile.py --grouped`); ResNeXt-style 32-group convs with 2 outputs per
// group at 3%.
// This kernel computes them directly. Per image it copies the channels into zero-bordered planes (one per
// input channel, rows of W + 2; an 8x8 in-register transpose), so that 8 neighbouring output pixels of one
// row are one vector load per tap and input channel. A block of OB output channels x VB vectors of 8 pixels
// stays in registers across the 9·Ci multiply-adds, each weight broadcast once per block and tap.
// Measured: `node dist/bench/kernels.js --kernels groupedConv` (bench/results/kernels-grouped.md): 2.8x at
// that 48→12 shape (about 36% of the peak), 1.4-7x over the shapes there.
#include <ATen/Parallel.h>

#include <algorithm>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "kernels.h"

namespace leanconv {

namespace {

KernelToggle gToggle("groupedConv", "LEANCONV_NATIVE_GROUPED_CONV");

constexpr int64_t kLanes = 8;         // floats per AVX2 vector
constexpr int64_t kAccumulators = 12;  // of the 16 vector registers; the rest hold inputs and weights
constexpr int64_t kMaxOutputsPerGroup = 12;

struct Geometry {
  int64_t n, h, w, c, cout;
  int64_t ci, co;       // inputs and outputs per group
  int64_t planeStride;  // floats per padded plane: (h + 2) rows of (w + 2)
};

#if defined(__x86_64__)
// One block: OB output channels (starting at o0 within the group) for VB vectors of 8 output pixels,
// starting at pixel p0 of the image (row-major; rows are a multiple of 8 wide, so a vector never spans two
// rows, but consecutive vectors may lie on consecutive rows). planes: the group's padded input planes;
// weights: [co][ci][3][3] of the group.
template <int OB, int VB>
__attribute__((target("avx2,fma"))) void Block(const Geometry& g, const float* planes, const float* weights,
                                               const float* bias, int64_t o0, int64_t p0, float* out) {
  __m256 acc[OB][VB];
  for (int o = 0; o < OB; ++o) {
    const __m256 b = _mm256_set1_ps(bias != nullptr ? bias[o0 + o] : 0.f);
    for (int v = 0; v < VB; ++v) acc[o][v] = b;
  }
  const int64_t rowStride = g.w + 2;
  int64_t origin[VB];  // where vector v's top-left tap lies in a padded plane
  for (int v = 0; v < VB; ++v) {
    const int64_t p = p0 + v * kLanes;
    origin[v] = (p / g.w) * rowStride + p % g.w;
  }
  // Per tap and input channel: OB·VB multiply-adds. Operands that are reused stay in registers when that
  // fits in 15 of the 16 (the compiler needs one more): the VB input vectors (VB + 1 + OB·VB registers) or
  // else the OB broadcast weights (OB + 1 + OB·VB). Otherwise each weight is broadcast once and the inputs
  // are read from L1 by every multiply-add.
  constexpr int kHoldInputs = VB + 1 + OB * VB <= 15, kHoldWeights = OB + 1 + OB * VB <= 15;
  for (int64_t i = 0; i < g.ci; ++i) {
    const float* plane = planes + i * g.planeStride;
    const float* w = weights + (o0 * g.ci + i) * 9;  // output o's tap t: w[o * ci * 9 + t]
#pragma GCC unroll 3
    for (int ky = 0; ky < 3; ++ky) {
#pragma GCC unroll 3
      for (int kx = 0; kx < 3; ++kx) {
        const float* in = plane + ky * rowStride + kx;
        const float* wt = w + ky * 3 + kx;
        if constexpr (kHoldInputs) {
          __m256 x[VB];
          for (int v = 0; v < VB; ++v) x[v] = _mm256_loadu_ps(in + origin[v]);
          for (int o = 0; o < OB; ++o) {
            const __m256 wv = _mm256_broadcast_ss(wt + o * g.ci * 9);
            for (int v = 0; v < VB; ++v) acc[o][v] = _mm256_fmadd_ps(x[v], wv, acc[o][v]);
          }
        } else if constexpr (kHoldWeights) {
          __m256 wv[OB];
          for (int o = 0; o < OB; ++o) wv[o] = _mm256_broadcast_ss(wt + o * g.ci * 9);
          for (int v = 0; v < VB; ++v) {
            const __m256 x = _mm256_loadu_ps(in + origin[v]);
            for (int o = 0; o < OB; ++o) acc[o][v] = _mm256_fmadd_ps(x, wv[o], acc[o][v]);
          }
        } else {
          for (int o = 0; o < OB; ++o) {
            const __m256 wv = _mm256_broadcast_ss(wt + o * g.ci * 9);
            for (int v = 0; v < VB; ++v) acc[o][v] = _mm256_fmadd_ps(_mm256_loadu_ps(in + origin[v]), wv, acc[o][v]);
          }
        }
      }
    }
  }
  // Channels-last output: pixel p's channels are contiguous, so each vector scatters into 8 pixels.
  alignas(32) float lanes[kLanes];
  for (int v = 0; v < VB; ++v) {
    float* pixel = out + (p0 + v * kLanes) * g.cout + o0;
    for (int o = 0; o < OB; ++o) {
      _mm256_store_ps(lanes, acc[o][v]);
      for (int64_t l = 0; l < kLanes; ++l) pixel[l * g.cout + o] = lanes[l];
    }
  }
}

// The first step of an 8x8 transpose, within 128-bit halves: from rows r[p] (8 channels of pixel p) to u,
// where channel k of the 8 pixels is permute2f128(u[k % 4], u[k % 4 + 4]) with 0x20 for k < 4, 0x31 after.
// Channels 0-3 only read the rows' low halves.
__attribute__((target("avx2,fma"), always_inline)) inline void Transpose(const __m256 r[8], __m256 u[8]) {
  __m256 t[8];
  for (int k = 0; k < 8; k += 2) {
    t[k] = _mm256_unpacklo_ps(r[k], r[k + 1]);
    t[k + 1] = _mm256_unpackhi_ps(r[k], r[k + 1]);
  }
  for (int k = 0; k < 8; k += 4) {
    u[k] = _mm256_shuffle_ps(t[k], t[k + 2], _MM_SHUFFLE(1, 0, 1, 0));
    u[k + 1] = _mm256_shuffle_ps(t[k], t[k + 2], _MM_SHUFFLE(3, 2, 3, 2));
    u[k + 2] = _mm256_shuffle_ps(t[k + 1], t[k + 3], _MM_SHUFFLE(1, 0, 1, 0));
    u[k + 3] = _mm256_shuffle_ps(t[k + 1], t[k + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
}

// Per-channel relu(x·scale + shift) applied while packing (a pre-activation conv's eval BN-ReLU), or nothing.
struct Prologue {
  const float* scale = nullptr;  // per input channel of the image
  const float* shift = nullptr;
  __attribute__((target("avx2,fma"), always_inline)) inline __m256 operator()(__m256 x, int64_t c) const {
    if (scale == nullptr) return x;
    return _mm256_max_ps(_mm256_fmadd_ps(x, _mm256_loadu_ps(scale + c), _mm256_loadu_ps(shift + c)), _mm256_setzero_ps());
  }
  // Four channels, in the low half.
  __attribute__((target("avx2,fma"), always_inline)) inline __m256 Low(__m256 x, int64_t c) const {
    if (scale == nullptr) return x;
    const __m256 s = _mm256_castps128_ps256(_mm_loadu_ps(scale + c)), t = _mm256_castps128_ps256(_mm_loadu_ps(shift + c));
    return _mm256_max_ps(_mm256_fmadd_ps(x, s, t), _mm256_setzero_ps());
  }
  float operator()(float x, int64_t c) const { return scale == nullptr ? x : std::max(x * scale[c] + shift[c], 0.f); }
};

// Copies channels [c0, c0 + count) of one channels-last image into zero-bordered planes (plane i at
// planes + i * planeStride, rows of w + 2), through the prologue: 8 pixels x 8 channels at a time through an
// in-register transpose, the channels beyond a multiple of 8 one by one. The borders stay zero: the conv pads
// the activated input.
__attribute__((target("avx2,fma"))) void PackPlanes(const Geometry& g, const float* image, int64_t c0, int64_t count,
                                                    const Prologue& prologue, float* planes) {
  const int64_t rowStride = g.w + 2, blocked = count - count % kLanes;
  for (int64_t y = 0; y < g.h; ++y) {
    for (int64_t x = 0; x < g.w; x += kLanes) {
      const float* pixels = image + (y * g.w + x) * g.c + c0;
      float* at = planes + (y + 1) * rowStride + x + 1;
      for (int64_t i = 0; i < blocked; i += kLanes) {
        __m256 r[8];
        for (int p = 0; p < 8; ++p) r[p] = prologue(_mm256_loadu_ps(pixels + p * g.c + i), c0 + i);
        __m256 u[8];
        Transpose(r, u);
        for (int k = 0; k < 4; ++k) {
          _mm256_storeu_ps(at + (i + k) * g.planeStride, _mm256_permute2f128_ps(u[k], u[k + 4], 0x20));
          _mm256_storeu_ps(at + (i + k + 4) * g.planeStride, _mm256_permute2f128_ps(u[k], u[k + 4], 0x31));
        }
      }
      int64_t i = blocked;
      if (count - i >= 4) {
        // Four channels: the same transpose on 128-bit loads (channels 0-3 only read the low halves).
        __m256 r[8];
        for (int p = 0; p < 8; ++p) r[p] = prologue.Low(_mm256_castps128_ps256(_mm_loadu_ps(pixels + p * g.c + i)), c0 + i);
        __m256 u[8];
        Transpose(r, u);
        for (int k = 0; k < 4; ++k) _mm256_storeu_ps(at + (i + k) * g.planeStride, _mm256_permute2f128_ps(u[k], u[k + 4], 0x20));
        i += 4;
      }
      for (; i < count; ++i) {
        for (int p = 0; p < 8; ++p) at[i * g.planeStride + p] = prologue(pixels[p * g.c + i], c0 + i);
      }
    }
  }
}

using BlockFn = void (*)(const Geometry&, const float*, const float*, const float*, int64_t, int64_t, float*);

template <int OB, int VB>
constexpr BlockFn BlockIfFits() {
  if constexpr (OB * VB <= kAccumulators) {
    return &Block<OB, VB>;
  } else {
    return nullptr;
  }
}

template <int VB>
BlockFn BlockFor(int64_t ob) {
  switch (ob) {
    case 1: return BlockIfFits<1, VB>();
    case 2: return BlockIfFits<2, VB>();
    case 3: return BlockIfFits<3, VB>();
    case 4: return BlockIfFits<4, VB>();
    case 6: return BlockIfFits<6, VB>();
    case 8: return BlockIfFits<8, VB>();
    case 9: return BlockIfFits<9, VB>();
    case 12: return BlockIfFits<12, VB>();
    default: return nullptr;
  }
}

struct BlockChoice {
  BlockFn fn = nullptr;    // OB x VB
  BlockFn tail = nullptr;  // OB x 1, for the vectors left over after the last full block
  int64_t outputs = 0;     // OB
  int64_t vectors = 0;     // VB
};

// The block for a group of `co` outputs: the most accumulators (OB·VB <= 12) with OB dividing co; on a
// tie, more vectors (each weight broadcast then serves more of them).
BlockChoice ChooseBlock(int64_t co) {
  BlockChoice best;
  for (int64_t vb : {4, 3, 2, 1}) {
    for (int64_t ob : {12, 9, 8, 6, 4, 3, 2, 1}) {
      if (co % ob != 0 || ob * vb > kAccumulators || ob * vb <= best.outputs * best.vectors) continue;
      // The block's accumulators plus the operands it reuses (its input vectors or its weights) must fit in 15
      // of the 16 registers: 3 x 4 needs 17, and spills cost more than the fewer accumulators of 3 x 3.
      if (std::min(ob, vb) + 1 + ob * vb > 15) continue;
      BlockFn fn = vb == 4 ? BlockFor<4>(ob) : vb == 3 ? BlockFor<3>(ob) : vb == 2 ? BlockFor<2>(ob) : BlockFor<1>(ob);
      if (fn != nullptr) best = {fn, BlockFor<1>(ob), ob, vb};
    }
  }
  return best;
}
#endif

}  // namespace

bool GroupedConvChannelsLastApplies(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                                    at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                                    int64_t groups) {
  if (!gToggle.enabled() || !CpuHasAvx2Fma() || !InferenceConvOperands(input, weight, bias)) return false;
  if (!input.is_contiguous(at::MemoryFormat::ChannelsLast) || input.is_contiguous()) return false;
  if (groups < 2 || weight.size(2) != 3 || weight.size(3) != 3) return false;
  for (int k = 0; k < 2; ++k) {
    if (stride[k] != 1 || padding[k] != 1 || dilation[k] != 1) return false;
  }
  const int64_t c = input.size(1), cout = weight.size(0);
  if (c % groups != 0 || cout % groups != 0 || weight.size(1) != c / groups || c / groups < 2) return false;
  const int64_t co = cout / groups;
  if (co > kMaxOutputsPerGroup || input.size(3) % kLanes != 0) return false;
#if defined(__x86_64__)
  return ChooseBlock(co).fn != nullptr;
#else
  return false;
#endif
}

at::Tensor GroupedConvChannelsLast(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                                   int64_t groups, const at::Tensor& scale, const at::Tensor& shift) {
  RECORD_FUNCTION("leanconv::grouped_conv", std::vector<c10::IValue>());  // named in op profiles
#if defined(__x86_64__)
  gToggle.countRun();
  const int64_t h = input.size(2), w = input.size(3);
  const Geometry g{input.size(0), h, w, input.size(1), weight.size(0), input.size(1) / groups, weight.size(0) / groups,
                   (h + 2) * (w + 2)};
  const BlockChoice block = ChooseBlock(g.co);
  const int64_t ob = block.outputs, vb = block.vectors;
  const at::Tensor weights = weight.contiguous();  // [cout][ci][3][3]
  const at::Tensor b = bias ? bias->contiguous() : at::Tensor();
  const at::Tensor sc = scale.defined() ? scale.contiguous() : at::Tensor(), sh = scale.defined() ? shift.contiguous() : at::Tensor();
  const Prologue prologue{sc.defined() ? sc.data_ptr<float>() : nullptr, sh.defined() ? sh.data_ptr<float>() : nullptr};
  at::Tensor out = at::empty({g.n, g.cout, g.h, g.w}, input.options().memory_format(at::MemoryFormat::ChannelsLast));
  const float* src = input.data_ptr<float>();
  const float* wp = weights.data_ptr<float>();
  const float* bp = b.defined() ? b.data_ptr<float>() : nullptr;
  float* dst = out.data_ptr<float>();
  // With enough images for every thread, one task per image: its channels are read once and packed into
  // planes for all groups. Otherwise (small batches) one task per (image, group), each packing its group's
  // channels, so that the groups of one image can run in parallel.
  const bool perImage = g.n >= at::get_num_threads();
  const int64_t groupsPerTask = perImage ? groups : 1;
  const int64_t pixels = g.h * g.w, full = pixels - pixels % (vb * kLanes);
  at::parallel_for(0, g.n * groups / groupsPerTask, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> planes(static_cast<size_t>(groupsPerTask * g.ci * g.planeStride), 0.f);
    for (int64_t task = begin; task < end; ++task) {
      const int64_t n = task * groupsPerTask / groups, firstGroup = task * groupsPerTask % groups;
      PackPlanes(g, src + n * pixels * g.c, firstGroup * g.ci, groupsPerTask * g.ci, prologue, planes.data());
      for (int64_t grp = firstGroup; grp < firstGroup + groupsPerTask; ++grp) {
        const float* groupPlanes = planes.data() + (grp - firstGroup) * g.ci * g.planeStride;
        const float* groupWeights = wp + grp * g.co * g.ci * 9;
        const float* groupBias = bp != nullptr ? bp + grp * g.co : nullptr;
        float* groupOut = dst + n * pixels * g.cout + grp * g.co;
        for (int64_t p0 = 0; p0 < pixels; p0 += p0 < full ? vb * kLanes : kLanes) {
          const BlockFn run = p0 < full ? block.fn : block.tail;
          for (int64_t o0 = 0; o0 < g.co; o0 += ob) run(g, groupPlanes, groupWeights, groupBias, o0, p0, groupOut);
        }
      }
    }
  });
  return out;
#else
  TORCH_CHECK(false, "GroupedConvChannelsLast needs x86-64");
#endif
}

KernelToggle& GroupedConvChannelsLastToggle() { return gToggle; }

}  // namespace leanconv
