// The AVX-512 register block of the Winograd conv's products (gemm_avx2.h's counterpart for CPUs where oneDNN runs
// AVX-512 code, and leanconv's kernels must too to keep up): MR rows x one vector of 16 output channels (a whole
// packed weight panel) held in registers, each input value broadcast once per row.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gemm_avx2.h"

namespace leanconv {
namespace gemm {

constexpr int64_t kWideRows = 12;  // rows per AVX-512 register block (12 accumulators, 12 broadcasts, 1 weight vector)

#if defined(__x86_64__)

// C[r][0..16) = bias + Σ_k A[r][k]·B[k][0..16) for MR rows; B is one packed panel [K][16] (zero-padded); `valid`
// output channels are stored.
template <int MR>
__attribute__((target("avx512f"))) inline void WideMicro(const float* a, int64_t lda, const float* b, int64_t k, const float* bias,
                                                         float* c, int64_t ldc, int64_t valid) {
  // Named accumulators, as in Micro (an array of vectors would live in memory). Rows beyond MR are dead code.
  const __m512 init = _mm512_loadu_ps(bias);
  __m512 c0 = init, c1 = init, c2 = init, c3 = init, c4 = init, c5 = init;
  __m512 c6 = init, c7 = init, c8 = init, c9 = init, c10 = init, c11 = init;
  for (int64_t i = 0; i < k; ++i) {
    const __m512 bv = _mm512_loadu_ps(b + i * kPanel);
#define LEANCONV_ROW(r)                                           \
  if constexpr (MR > r) c##r = _mm512_fmadd_ps(_mm512_set1_ps(a[r * lda + i]), bv, c##r);
    LEANCONV_ROW(0) LEANCONV_ROW(1) LEANCONV_ROW(2) LEANCONV_ROW(3) LEANCONV_ROW(4) LEANCONV_ROW(5)
    LEANCONV_ROW(6) LEANCONV_ROW(7) LEANCONV_ROW(8) LEANCONV_ROW(9) LEANCONV_ROW(10) LEANCONV_ROW(11)
#undef LEANCONV_ROW
  }
  const __m512 acc[12] = {c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11};
  const __mmask16 mask = valid >= kPanel ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << valid) - 1);
  for (int r = 0; r < MR; ++r) _mm512_mask_storeu_ps(c + r * ldc, mask, acc[r]);
}

template <std::size_t... R>
constexpr std::array<MicroFn, sizeof...(R)> WideMicros(std::index_sequence<R...>) {
  return {&WideMicro<static_cast<int>(R) + 1>...};
}

// The register block for `rows` rows (1..12).
inline MicroFn WideMicroFor(int64_t rows) {
  static constexpr auto table = WideMicros(std::make_index_sequence<kWideRows>());
  return table[std::clamp<int64_t>(rows, 1, kWideRows) - 1];
}

#endif

}  // namespace gemm
}  // namespace leanconv
