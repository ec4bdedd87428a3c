// leanconv's own CPU kernels, for the cases where libtorch 1.13's are measured to be slow. They are plain
// ATen code (no N-API) with their own autograd nodes, chosen by the ops in nn_ops.cc; every one has a
// switch so that benchmarks and tests can compare it with libtorch's kernel in the same process.
#pragma once

#include <ATen/ATen.h>
#include <ATen/record_function.h>

#include <atomic>
#include <vector>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <string>

namespace leanconv {

// Every kernel's switch and its count of calls that ran it since load. It starts on where the kernel is the faster
// one (onByDefault; always when not given), unless its environment variable says "0" (off) or "1" (on); benchmarks
// and tests flip it to compare with libtorch in one process.
class KernelToggle;

// Every kernel's switch, registered by the switch itself where the kernel is defined: nativeKernel() and
// nativeKernels() (nn_ops.cc) find them here, and TypeScript's NATIVE_KERNELS is checked against this list.
std::vector<KernelToggle*>& KernelRegistry();

class KernelToggle {
 public:
  // `name` is what TypeScript calls the kernel; `environmentVariable` set to 0 or 1 overrides `onByDefault`.
  KernelToggle(const char* name, const char* environmentVariable, bool (*onByDefault)() = nullptr)
      : name_(name), environmentVariable_(environmentVariable), enabled_([environmentVariable, onByDefault] {
          const char* value = std::getenv(environmentVariable);
          if (value != nullptr && std::strcmp(value, "0") == 0) return false;
          if (value != nullptr && std::strcmp(value, "1") == 0) return true;
          return onByDefault == nullptr || onByDefault();
        }()) {
    KernelRegistry().push_back(this);
  }
  const char* name() const { return name_; }
  const char* environmentVariable() const { return environmentVariable_; }
  bool enabled() const { return enabled_.load(); }
  void setEnabled(bool enabled) { enabled_.store(enabled); }
  void countRun() { ++runs_; }
  int64_t runs() const { return runs_.load(); }

 private:
  const char* name_;
  const char* environmentVariable_;
  std::atomic<bool> enabled_;
  std::atomic<int64_t> runs_{0};
};

// Whether this CPU has AVX2 and FMA, which the inference kernels below are written for (x86-64 only).
inline bool CpuHasAvx2Fma() {
#if defined(__x86_64__)
  static const bool has = [] {
    __builtin_cpu_init();  // may run from a static initializer (a KernelToggle's default)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return has;
#else
  return false;
#endif
}

// Whether oneDNN, which runs libtorch's CPU convs, uses its AVX-512 code here (its avx512_core level: F, BW, VL, DQ).
// Its kernels then do twice the work per instruction of this project's AVX2 ones. oneDNN's own cap,
// ONEDNN_MAX_CPU_ISA (or DNNL_MAX_CPU_ISA) set to SSE41, AVX or AVX2*, caps leanconv's kernels too: an AVX-512
// machine then runs (and tests, and measures) what an AVX2 machine runs.
inline bool OneDnnCappedBelowAvx512() {
  for (const char* name : {"ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;
    std::string isa(value);
    for (char& ch : isa) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return isa.rfind("SSE", 0) == 0 || isa == "AVX" || isa.rfind("AVX2", 0) == 0;
  }
  return false;
}
inline bool CpuHasAvx512Core() {
#if defined(__x86_64__)
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512dq") && !OneDnnCappedBelowAvx512();
  }();
  return has;
#else
  return false;
#endif
}

// Whether autograd records a gradient through this operand: grad mode is on and it requires grad (an undefined or
// absent operand records nothing). The one definition every kernel's applicability check uses: a kernel without a
// backward must step aside whenever any of its operands records a gradient.
inline bool RecordsGradient(const at::Tensor& t) { return at::GradMode::is_enabled() && t.defined() && t.requires_grad(); }
inline bool RecordsGradient(const c10::optional<at::Tensor>& t) { return t.has_value() && RecordsGradient(*t); }
template <typename... Operands>
bool AnyRecordsGradient(const Operands&... operands) { return (RecordsGradient(operands) || ...); }

// Whether autograd records a gradient for a conv with these operands.
inline bool ConvRecordsGradient(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias) {
  return AnyRecordsGradient(input, weight, bias);
}

// Operands leanconv's conv kernels take: a 4-d float32 CPU input and weight, and no bias or a float32 CPU one with
// one value per output channel.
inline bool CpuFloatConvOperands(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias) {
  if (input.dim() != 4 || weight.dim() != 4 || !input.device().is_cpu() || !weight.device().is_cpu()) return false;
  if (input.scalar_type() != at::kFloat || weight.scalar_type() != at::kFloat) return false;
  return !bias || (bias->scalar_type() == at::kFloat && bias->device().is_cpu() && bias->numel() == weight.size(0));
}

// Operands an inference-only conv kernel takes: those above, with nothing to record a gradient for.
inline bool InferenceConvOperands(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias) {
  return !ConvRecordsGradient(input, weight, bias) && CpuFloatConvOperands(input, weight, bias);
}

// Training-mode BatchNorm2d on a channels-last float32 CPU input, optionally followed by ReLU, as one
// forward and one backward pass pair. libtorch 1.13's channels-last batch norm is several times slower
// than its NCHW one for the narrow layers of DenseNet-style models (12-48 channels); this kernel keeps
// the layout and reads the data twice per direction whatever the width. Same results as at::batch_norm
// within float rounding; running statistics are updated in place (unbiased variance), as libtorch does.
bool ChannelsLastBatchNormApplies(const at::Tensor& input, bool training);
at::Tensor ChannelsLastBatchNorm(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                                 const at::Tensor& runningMean, const at::Tensor& runningVar, double momentum,
                                 double eps, bool relu);
// Eval mode (running statistics) on the same inputs when no gradient is recorded: one pass
// y = a·x + b per channel (then ReLU). libtorch 1.13's channels-last eval batch norm is also several times
// slower than its NCHW one for narrow layers (1.36 ms against 0.21 ms at [64, 12, 32, 32], BN + ReLU),
// and it applies a ReLU as a second pass.
bool ChannelsLastBatchNormInferenceApplies(const at::Tensor& input, bool training, const at::Tensor& weight,
                                           const at::Tensor& bias, const at::Tensor& runningMean,
                                           const at::Tensor& runningVar);
at::Tensor ChannelsLastBatchNormInference(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                                          const at::Tensor& runningMean, const at::Tensor& runningVar, double eps,
                                          bool relu);
KernelToggle& ChannelsLastBatchNormToggle();  // both modes (LEANCONV_NATIVE_BATCHNORM)

// A dilated depthwise conv (stride 1, channels-last float32, gradient recorded for the weight) whose weight
// gradient is computed as an undilated one over the d·d phases of input and output gradient; forward and
// input gradient are libtorch's. Applies only when every phase has the same size.
bool DilatedDepthwiseConvApplies(const at::Tensor& input, const at::Tensor& weight, at::IntArrayRef stride,
                                 at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups);
at::Tensor DilatedDepthwiseConv(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                                int64_t padding, int64_t dilation);
KernelToggle& DilatedDepthwiseConvToggle();  // LEANCONV_NATIVE_DILATED_CONV

// A 3x3 grouped conv (stride 1, padding 1, groups >= 2, at least 2 inputs and at most 12 outputs per group,
// rows a multiple of 8 pixels wide) on a channels-last float32 input when no gradient is recorded: inference. oneDNN in
// libtorch 1.13 runs such convs (HCGNet's squeeze cells: 4 groups, 3-9 outputs per group) far below the
// CPU's peak; this kernel computes them directly with AVX2 + FMA (x86-64 CPUs that have them; others go
// to libtorch).
bool GroupedConvChannelsLastApplies(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                                    at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                                    int64_t groups);
// With scale and shift defined, the input is relu(x·scale + shift) per channel (see PointwiseConvChannelsLast).
at::Tensor GroupedConvChannelsLast(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                                   int64_t groups, const at::Tensor& scale, const at::Tensor& shift);
KernelToggle& GroupedConvChannelsLastToggle();  // LEANCONV_NATIVE_GROUPED_CONV

// A 1x1 conv (stride 1, any groups) on channels-last float32 rows when no gradient is recorded: inference.
// The rows may be a channel prefix of a wider channels-last tensor (row stride >= channels). With `index`
// defined (with scale and shift), the conv reads input channels index[0..k) (a gather, as CondenseNet's converted
// layers do); with scale and shift defined, it computes conv1x1(x·scale + shift, then ReLU if relu) per (gathered) input
// channel, the eval-mode BN-ReLU of a pre-activation conv, without writing the activated input to memory.
// inputChannels: the channels the conv sees (index.numel() with a gather, else the input's).
bool PointwiseConvChannelsLastApplies(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                                      at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                                      int64_t groups, int64_t inputChannels);
at::Tensor PointwiseConvChannelsLast(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                                     int64_t groups, const at::Tensor& index, const at::Tensor& scale, const at::Tensor& shift,
                                     bool relu);
KernelToggle& PointwiseConvChannelsLastToggle();  // LEANCONV_NATIVE_POINTWISE_CONV

// Attention pooling, out[n, c] = Σ_p softmax_p(w·x[n, :, p] + b) · x[n, c, p] ([N, C, 1, 1]), on a channels-last
// float32 CPU input when no gradient is recorded: two passes over the map, nothing of its size written
// (x86-64 CPUs with AVX2 and FMA).
bool AttentionPoolApplies(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias);
at::Tensor AttentionPool(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias);
KernelToggle& AttentionPoolToggle();  // LEANCONV_NATIVE_ATTENTION_POOL

// A 3x3 conv (stride 1, padding 1, one group, channels multiples of 8 up to 256 on both sides) on a channels-last float32
// CPU input, by Winograd's F(4x4, 3x3) up to 128 channels (4x fewer multiply-adds than the direct conv oneDNN runs;
// its switch: WinogradLargeTilesToggle) and F(2x2, 3x3) above (2.25x fewer) (x86-64 CPUs with AVX2 and FMA; in AVX-512
// where the CPU has it). With a gradient to record it is an autograd node whose input and weight gradients use the
// same tiles, if its training switch is on. At inference, with `residual` defined (the output's shape) it is added
// to the result, then ReLU if relu: a post-activation ResNet block's epilogue in the same pass.
bool WinogradConvApplies(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                         at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups);
at::Tensor WinogradConv(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                        const at::Tensor& residual, bool relu);
KernelToggle& WinogradConvToggle();          // LEANCONV_NATIVE_WINOGRAD_CONV
KernelToggle& WinogradConvTrainingToggle();  // LEANCONV_NATIVE_WINOGRAD_CONV_TRAINING
KernelToggle& WinogradLargeTilesToggle();    // LEANCONV_NATIVE_WINOGRAD_LARGE_TILES

}  // namespace leanconv
