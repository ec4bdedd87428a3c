// Attention pooling (see kernels.h): per image, out_c = Σ_p softmax_p(w·x_p + b) · x_{c,p}, the global context of
// HCGNet's gates (and GCNet's). Written as ops it is a 1x1 conv to one channel, a softmax, a broadcast multiply that
// writes a copy of the map and a pooling that reads it back. On a channels-last map each pixel's channels are
// contiguous, so one pass computes every pixel's logit, and a second accumulates the softmax-weighted pixels: the
// map is read twice and nothing of its size is written.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "kernels.h"

namespace leanconv {

namespace {

KernelToggle gToggle("attentionPool", "LEANCONV_NATIVE_ATTENTION_POOL");

#if defined(__x86_64__)
constexpr int64_t kLanes = 8;

// Lanes [0, count) of a vector, as a maskload/maskstore mask.
__attribute__((target("avx2,fma"))) inline __m256i LaneMask(int64_t count) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

__attribute__((target("avx2,fma"))) inline float HorizontalSum(__m256 v) {
  const __m128 half = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 pairs = _mm_add_ps(half, _mm_movehl_ps(half, half));
  return _mm_cvtss_f32(_mm_add_ss(pairs, _mm_movehdup_ps(pairs)));
}

// One image: x is [P][C] (pixels of C contiguous channels), logits is scratch for P values, out gets C values.
// Pass 1: each pixel's logit, a dot product over its channels. Pass 2: the softmax-weighted sum of the pixels,
// 32 channels at a time in four vector accumulators.
__attribute__((target("avx2,fma"))) void PoolImage(const float* x, int64_t pixels, int64_t channels, const float* w, float b,
                                                   float* logits, float* out) {
  const int64_t full = channels - channels % kLanes;
  const __m256i tailMask = LaneMask(channels - full);
  float top = -std::numeric_limits<float>::infinity();
  for (int64_t p = 0; p < pixels; ++p) {
    const float* px = x + p * channels;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t c = 0; c < full; c += kLanes) acc = _mm256_fmadd_ps(_mm256_loadu_ps(px + c), _mm256_loadu_ps(w + c), acc);
    if (full < channels) acc = _mm256_fmadd_ps(_mm256_maskload_ps(px + full, tailMask), _mm256_maskload_ps(w + full, tailMask), acc);
    logits[p] = HorizontalSum(acc) + b;
    top = std::max(top, logits[p]);
  }
  float total = 0.f;
  for (int64_t p = 0; p < pixels; ++p) {
    logits[p] = std::exp(logits[p] - top);
    total += logits[p];
  }
  const __m256 inv = _mm256_set1_ps(1.f / total);
  for (int64_t c0 = 0; c0 < channels; c0 += 4 * kLanes) {
    // Vectors v < 4 of this chunk that hold channels; the last may be partial.
    const int64_t left = channels - c0;
    const __m256i m0 = LaneMask(left), m1 = LaneMask(left - kLanes), m2 = LaneMask(left - 2 * kLanes), m3 = LaneMask(left - 3 * kLanes);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (int64_t p = 0; p < pixels; ++p) {
      const float* px = x + p * channels + c0;
      const __m256 e = _mm256_set1_ps(logits[p]);
      a0 = _mm256_fmadd_ps(_mm256_maskload_ps(px, m0), e, a0);
      if (left > kLanes) a1 = _mm256_fmadd_ps(_mm256_maskload_ps(px + kLanes, m1), e, a1);
      if (left > 2 * kLanes) a2 = _mm256_fmadd_ps(_mm256_maskload_ps(px + 2 * kLanes, m2), e, a2);
      if (left > 3 * kLanes) a3 = _mm256_fmadd_ps(_mm256_maskload_ps(px + 3 * kLanes, m3), e, a3);
    }
    float* o = out + c0;
    _mm256_maskstore_ps(o, m0, _mm256_mul_ps(a0, inv));
    if (left > kLanes) _mm256_maskstore_ps(o + kLanes, m1, _mm256_mul_ps(a1, inv));
    if (left > 2 * kLanes) _mm256_maskstore_ps(o + 2 * kLanes, m2, _mm256_mul_ps(a2, inv));
    if (left > 3 * kLanes) _mm256_maskstore_ps(o + 3 * kLanes, m3, _mm256_mul_ps(a3, inv));
  }
}
#endif

}  // namespace

bool AttentionPoolApplies(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias) {
  if (!gToggle.enabled() || !CpuHasAvx2Fma()) return false;
  if (AnyRecordsGradient(input, weight, bias)) return false;
  if (input.dim() != 4 || !input.device().is_cpu() || input.scalar_type() != at::kFloat) return false;
  if (!weight.device().is_cpu() || weight.scalar_type() != at::kFloat) return false;
  if (bias && (!bias->device().is_cpu() || bias->scalar_type() != at::kFloat)) return false;
  return input.is_contiguous(at::MemoryFormat::ChannelsLast);
}

at::Tensor AttentionPool(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias) {
  RECORD_FUNCTION("leanconv::attention_pool", std::vector<c10::IValue>());  // named in op profiles
#if defined(__x86_64__)
  gToggle.countRun();
  const int64_t n = input.size(0), c = input.size(1), pixels = input.size(2) * input.size(3);
  const at::Tensor w = weight.reshape({c}).contiguous();
  const float b = bias ? bias->item<float>() : 0.f;
  at::Tensor out = at::empty({n, c, 1, 1}, input.options());
  const float* x = input.data_ptr<float>();
  const float* wp = w.data_ptr<float>();
  float* o = out.data_ptr<float>();
  at::parallel_for(0, n, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> logits(static_cast<size_t>(pixels));
    for (int64_t i = begin; i < end; ++i) PoolImage(x + i * pixels * c, pixels, c, wp, b, logits.data(), o + i * c);
  });
  return out;
#else
  TORCH_CHECK(false, "AttentionPool needs x86-64");
#endif
}

KernelToggle& AttentionPoolToggle() { return gToggle; }

}  // namespace leanconv
