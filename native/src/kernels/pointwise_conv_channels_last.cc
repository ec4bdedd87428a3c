// Inference-only 1x1 convolution (stride 1, any groups) on channels-last float32 inputs, optionally with the
// pre-activation in front of it: conv1x1(relu(x·scale + shift)) (see kernels.h).
// A channels-last [N, C, H, W] tensor is a row-major [M, C] matrix (M = N·H·W), so the conv is the GEMM
// [M, C] x [C, Cout]. Densely connected networks (DenseNet, CondenseNet, HCGNet) apply an eval-mode BN +
// ReLU to their whole concatenated input before every such conv: run as its own op, it writes the
// activated copy and the conv reads it back, the widest tensors of the model each time. Here each thread
// activates a block of rows into a buffer that stays in its L2 and multiplies it from there, so the
// activated copy never reaches memory. The rows may also be a channel-prefix view of a wider tensor (a
// dense block's preallocated output, see DenseBlock): any row stride >= C. Groups are GEMMs on column slices of the
// activated rows, and an optional channel index gathers the input as it is activated (CondenseNet's converted
// layers: gather -> BN -> ReLU -> group conv in one pass over the input).
// Register block: 6 rows x 16 output channels (12 accumulators), each input value broadcast once per
// 2 vectors of packed weights, as BLIS's Haswell kernel.
#include <ATen/Parallel.h>

#include <algorithm>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gemm_avx2.h"
#include "kernels.h"

namespace leanconv {

namespace {

KernelToggle gToggle("pointwiseConv", "LEANCONV_NATIVE_POINTWISE_CONV");

using gemm::kLanes;
using gemm::kPanel;
using gemm::kRows;

constexpr int64_t kBlockRows = 96;  // rows a thread activates and multiplies at a time (16 register blocks)

// Row stride of a 4-d tensor laid out as rows of contiguous channels (channels-last, possibly a channel
// prefix of a wider channels-last tensor), or 0 when it is not.
int64_t ChannelRowStride(const at::Tensor& t) {
  if (t.dim() != 4) return 0;
  const int64_t c = t.size(1), h = t.size(2), w = t.size(3), s = t.stride(3);
  if (t.stride(1) != 1 && c > 1) return 0;
  if (s < c || t.stride(2) != s * w || (t.size(0) > 1 && t.stride(0) != s * w * h)) return 0;
  return s;
}

#if defined(__x86_64__)
// rows x k values from x (row stride lda) into out (row stride k): relu(x·scale + shift), per channel; with
// `index`, column i reads input channel index[i] (a gather, one value at a time).
__attribute__((target("avx2,fma"))) void Activate(const float* x, int64_t lda, int64_t rows, int64_t k, const int64_t* index,
                                                  const float* scale, const float* shift, bool relu, float* out) {
  const int64_t vectors = index != nullptr ? 0 : k - k % kLanes;
  const __m256 zero = _mm256_setzero_ps();
  for (int64_t r = 0; r < rows; ++r) {
    const float* in = x + r * lda;
    float* o = out + r * k;
    if (index != nullptr) {
      for (int64_t i = 0; i < k; ++i) {
        const float y = in[index[i]] * scale[i] + shift[i];
        o[i] = relu ? std::max(y, 0.f) : y;
      }
      continue;
    }
    int64_t i = 0;
    for (; i < vectors; i += kLanes) {
      __m256 y = _mm256_fmadd_ps(_mm256_loadu_ps(in + i), _mm256_loadu_ps(scale + i), _mm256_loadu_ps(shift + i));
      _mm256_storeu_ps(o + i, relu ? _mm256_max_ps(y, zero) : y);
    }
    for (; i < k; ++i) {
      const float y = in[i] * scale[i] + shift[i];
      o[i] = relu ? std::max(y, 0.f) : y;
    }
  }
}
#endif

}  // namespace

bool PointwiseConvChannelsLastApplies(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                                      at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                                      int64_t groups, int64_t inputChannels) {
  if (!gToggle.enabled() || !CpuHasAvx2Fma() || !InferenceConvOperands(input, weight, bias)) return false;
  if (groups < 1 || weight.size(1) * groups != inputChannels || weight.size(0) % groups != 0) return false;
  if (weight.size(2) != 1 || weight.size(3) != 1) return false;
  for (int k = 0; k < 2; ++k) {
    if (stride[k] != 1 || padding[k] != 0 || dilation[k] != 1) return false;
  }
  // Channels-last rows (NCHW tensors go to libtorch, including those that are both).
  return ChannelRowStride(input) != 0 && !input.is_contiguous();
}

at::Tensor PointwiseConvChannelsLast(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                                     int64_t groups, const at::Tensor& index, const at::Tensor& scale, const at::Tensor& shift,
                                     bool relu) {
  RECORD_FUNCTION("leanconv::pointwise_conv", std::vector<c10::IValue>());  // named in op profiles
#if defined(__x86_64__)
  gToggle.countRun();
  const int64_t n = input.size(0), h = input.size(2), w = input.size(3), cout = weight.size(0);
  const int64_t k = index.defined() ? index.numel() : input.size(1);  // columns of the (gathered) input
  const int64_t kg = k / groups, og = cout / groups;                   // per group
  const int64_t m = n * h * w, lda = ChannelRowStride(input), panels = (og + kPanel - 1) / kPanel;
  // A gather comes with the pre-activation (affineReluConv2d), so scale and shift are defined with an index.
  const bool activate = scale.defined();
  // Weights as panels of 16 output channels of one group, [group][panel][kg][16], zero beyond the group's
  // outputs; bias likewise, [group][panel][16].
  std::vector<float> packed(static_cast<size_t>(groups * panels * kg * kPanel), 0.f);
  std::vector<float> paddedBias(static_cast<size_t>(groups * panels * kPanel), 0.f);
  {
    const at::Tensor wc = weight.reshape({cout, kg}).contiguous();
    const float* wp = wc.data_ptr<float>();
    const at::Tensor bc = bias ? bias->contiguous() : at::Tensor();
    for (int64_t o = 0; o < cout; ++o) {
      const int64_t panel = o / og * panels + o % og / kPanel, lane = o % og % kPanel;
      for (int64_t i = 0; i < kg; ++i) packed[(panel * kg + i) * kPanel + lane] = wp[o * kg + i];
      if (bc.defined()) paddedBias[panel * kPanel + lane] = bc.data_ptr<float>()[o];
    }
  }
  TORCH_CHECK(activate || !index.defined(), "PointwiseConvChannelsLast: a gather needs the pre-activation's scale and shift");
  const at::Tensor sc = activate ? scale.contiguous() : at::Tensor(), sh = activate ? shift.contiguous() : at::Tensor();
  const at::Tensor idx = index.defined() ? index.contiguous() : at::Tensor();
  at::Tensor out = at::empty({n, cout, h, w}, input.options().memory_format(at::MemoryFormat::ChannelsLast));
  const float* x = input.data_ptr<float>();
  float* y = out.data_ptr<float>();
  const int64_t blocks = (m + kBlockRows - 1) / kBlockRows;
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> activated(activate ? static_cast<size_t>(kBlockRows * k) : 0);
    for (int64_t blk = begin; blk < end; ++blk) {
      const int64_t r0 = blk * kBlockRows, rows = std::min(kBlockRows, m - r0);
      const float* a = x + r0 * lda;
      int64_t stride = lda;
      if (activate) {
        Activate(a, lda, rows, k, idx.defined() ? idx.data_ptr<int64_t>() : nullptr, sc.data_ptr<float>(), sh.data_ptr<float>(),
                 relu, activated.data());
        a = activated.data();
        stride = k;
      }
      for (int64_t g = 0; g < groups; ++g) {
        for (int64_t p = 0; p < panels; ++p) {
          const int64_t valid = std::min(kPanel, og - p * kPanel);
          const float* b = packed.data() + (g * panels + p) * kg * kPanel;
          const float* pb = paddedBias.data() + (g * panels + p) * kPanel;
          float* c = y + r0 * cout + g * og + p * kPanel;
          for (int64_t r = 0; r < rows; r += kRows) {
            const int64_t mr = std::min(kRows, rows - r);
            const gemm::MicroFn run = valid > kLanes ? gemm::MicroFor<2>(mr) : gemm::MicroFor<1>(mr);
            run(a + r * stride + g * kg, stride, b, kg, pb, c + r * cout, cout, valid);
          }
        }
      }
    }
  });
  return out;
#else
  TORCH_CHECK(false, "PointwiseConvChannelsLast needs x86-64");
#endif
}

KernelToggle& PointwiseConvChannelsLastToggle() { return gToggle; }

}  // namespace leanconv
