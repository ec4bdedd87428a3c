// The register-block GEMM that leanconv's 1x1 and Winograd conv kernels share (x86-64, AVX2 + FMA): MR rows x NV
// vectors of 8 output channels held in registers, each input value broadcast once per NV vectors of a packed
// weight panel, as BLIS's Haswell kernel.
#pragma once

#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace leanconv {
namespace gemm {

constexpr int64_t kLanes = 8;   // floats per AVX2 vector
constexpr int64_t kPanel = 16;  // output channels per packed weight panel (2 vectors)
constexpr int64_t kRows = 6;    // rows per register block

#if defined(__x86_64__)

// C[r][0..NV·8) = bias + Σ_k A[r][k]·B[k][..] for MR rows; B is one packed panel [K][16] (zero-padded),
// `valid` output channels of it are stored (a masked store for the last vector when fewer).
template <int MR, int NV>
__attribute__((target("avx2,fma"))) inline void Micro(const float* a, int64_t lda, const float* b, int64_t k, const float* bias,
                                               float* c, int64_t ldc, int64_t valid) {
  // Twelve named accumulators rather than an array: GCC 12 keeps an array of vectors in memory and stores
  // every accumulator back to the stack after each multiply-add. Rows beyond MR are dead code.
  const __m256 init0 = _mm256_loadu_ps(bias), init1 = NV > 1 ? _mm256_loadu_ps(bias + kLanes) : init0;
  __m256 c00 = init0, c01 = init1, c10 = init0, c11 = init1, c20 = init0, c21 = init1;
  __m256 c30 = init0, c31 = init1, c40 = init0, c41 = init1, c50 = init0, c51 = init1;
  for (int64_t i = 0; i < k; ++i) {
    const __m256 b0 = _mm256_loadu_ps(b + i * kPanel), b1 = NV > 1 ? _mm256_loadu_ps(b + i * kPanel + kLanes) : b0;
#define LEANCONV_ROW(r)                                               \
  if constexpr (MR > r) {                                             \
    const __m256 av = _mm256_broadcast_ss(a + r * lda + i);           \
    c##r##0 = _mm256_fmadd_ps(av, b0, c##r##0);                       \
    if constexpr (NV > 1) c##r##1 = _mm256_fmadd_ps(av, b1, c##r##1); \
  }
    LEANCONV_ROW(0) LEANCONV_ROW(1) LEANCONV_ROW(2) LEANCONV_ROW(3) LEANCONV_ROW(4) LEANCONV_ROW(5)
#undef LEANCONV_ROW
  }
  const __m256 acc[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (valid == NV * kLanes) {
    for (int r = 0; r < MR; ++r)
      for (int v = 0; v < NV; ++v) _mm256_storeu_ps(c + r * ldc + v * kLanes, acc[r][v]);
    return;
  }
  const int64_t tail = valid - (NV - 1) * kLanes;  // 1..8 channels in the last vector
  alignas(32) int32_t lanes[kLanes];
  for (int64_t l = 0; l < kLanes; ++l) lanes[l] = l < tail ? -1 : 0;
  const __m256i mask = _mm256_load_si256(reinterpret_cast<const __m256i*>(lanes));
  for (int r = 0; r < MR; ++r) {
    for (int v = 0; v < NV - 1; ++v) _mm256_storeu_ps(c + r * ldc + v * kLanes, acc[r][v]);
    _mm256_maskstore_ps(c + r * ldc + (NV - 1) * kLanes, mask, acc[r][NV - 1]);
  }
}

using MicroFn = void (*)(const float*, int64_t, const float*, int64_t, const float*, float*, int64_t, int64_t);

template <int NV>
inline MicroFn MicroFor(int64_t rows) {
  switch (rows) {
    case 1: return &Micro<1, NV>;
    case 2: return &Micro<2, NV>;
    case 3: return &Micro<3, NV>;
    case 4: return &Micro<4, NV>;
    case 5: return &Micro<5, NV>;
    default: return &Micro<6, NV>;
  }
}

#endif

}  // namespace gemm
}  // namespace leanconv
