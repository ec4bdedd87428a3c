// Dilated depthwise convolution with a fast weight gradient (see kernels.h). oneDNN in libtorch 1.13 has
// no optimised weight-gradient path for a dilated depthwise conv: at [64, 12, 32, 32], dilation 2, it
// takes 9.7 ms against 0.4 ms undilated. A dilation-d conv only ever multiplies pixels whose row and
// column residues mod d agree, so splitting the padded input and the output gradient into their d·d
// phases (stacked along the batch) turns the weight gradient into an undilated one, summed over phases
// by the batch reduction itself. Forward and input gradient stay libtorch's.
#include <torch/csrc/autograd/custom_function.h>

#include "kernels.h"

namespace leanconv {

namespace {

// Off where oneDNN has AVX-512 code: there libtorch's own weight gradient was the faster one (0.65-0.92x for this
// kernel at HCGNet-A1's shapes, bench/kernels.ts on a Zen 5 EPYC).
KernelToggle gToggle("dilatedDepthwiseConv", "LEANCONV_NATIVE_DILATED_CONV", [] { return !CpuHasAvx512Core(); });

// [N, C, d·h, d·w] -> [d·d·N, C, h, w]: phase (i, j) holds rows i, i+d, ... and columns j, j+d, ...
at::Tensor Phases(const at::Tensor& t, int64_t d) {
  const int64_t n = t.size(0), c = t.size(1), h = t.size(2) / d, w = t.size(3) / d;
  return t.reshape({n, c, h, d, w, d}).permute({3, 5, 0, 1, 2, 4}).reshape({d * d * n, c, h, w}).contiguous(
      at::MemoryFormat::ChannelsLast);
}

struct DilatedDepthwiseConvFunction : public torch::autograd::Function<DilatedDepthwiseConvFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weight,
                            const at::Tensor& bias, int64_t padding, int64_t dilation) {
    ctx->save_for_backward({input, weight});
    ctx->saved_data["padding"] = padding;
    ctx->saved_data["dilation"] = dilation;
    ctx->saved_data["hasBias"] = bias.numel() > 0;
    const c10::optional<at::Tensor> b = bias.numel() > 0 ? c10::optional<at::Tensor>(bias) : c10::nullopt;
    return at::conv2d(input, weight, b, {1, 1}, {padding, padding}, {dilation, dilation}, input.size(1));
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list gradOutputs) {
    if (!gradOutputs[0].defined()) return torch::autograd::variable_list(5);
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& input = saved[0];
    const at::Tensor& weight = saved[1];
    const int64_t p = ctx->saved_data["padding"].toInt(), d = ctx->saved_data["dilation"].toInt();
    const int64_t groups = input.size(1);
    const at::Tensor grad = gradOutputs[0].contiguous(at::MemoryFormat::ChannelsLast);
    at::Tensor gradInput, gradWeight, gradBias;
    if (ctx->needs_input_grad(0)) {
      gradInput = std::get<0>(at::convolution_backward(grad, input, weight, c10::nullopt, {1, 1}, {p, p}, {d, d}, false,
                                                       {0, 0}, groups, {true, false, false}));
    }
    if (ctx->needs_input_grad(1)) {
      const at::Tensor padded = at::constant_pad_nd(input, {p, p, p, p});
      gradWeight = std::get<1>(at::convolution_backward(Phases(grad, d), Phases(padded, d), weight, c10::nullopt, {1, 1},
                                                        {0, 0}, {1, 1}, false, {0, 0}, groups, {false, true, false}));
    }
    if (ctx->saved_data["hasBias"].toBool() && ctx->needs_input_grad(2)) gradBias = grad.sum({0, 2, 3});
    return {gradInput, gradWeight, gradBias, at::Tensor(), at::Tensor()};
  }
};

}  // namespace

bool DilatedDepthwiseConvApplies(const at::Tensor& input, const at::Tensor& weight, at::IntArrayRef stride,
                                 at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups) {
  // A weight-gradient kernel: it applies only when the weight records one.
  if (!gToggle.enabled() || !RecordsGradient(weight)) return false;
  if (input.dim() != 4 || !input.device().is_cpu() || input.scalar_type() != at::kFloat) return false;
  if (!input.is_contiguous(at::MemoryFormat::ChannelsLast)) return false;
  const int64_t c = input.size(1), d = dilation[0];
  if (groups != c || weight.size(0) != c || weight.size(1) != 1 || d < 2 || dilation[1] != d) return false;
  if (stride[0] != 1 || stride[1] != 1 || padding[0] != padding[1]) return false;
  const int64_t p = padding[0], kh = weight.size(2), kw = weight.size(3);
  const int64_t outH = input.size(2) + 2 * p - d * (kh - 1), outW = input.size(3) + 2 * p - d * (kw - 1);
  // The phases must all have the same size: output and padded input both divisible by d.
  return outH > 0 && outW > 0 && outH % d == 0 && outW % d == 0 && (input.size(2) + 2 * p) % d == 0 &&
         (input.size(3) + 2 * p) % d == 0;
}

at::Tensor DilatedDepthwiseConv(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                                int64_t padding, int64_t dilation) {
  RECORD_FUNCTION("leanconv::dilated_depthwise_conv", std::vector<c10::IValue>());  // named in op profiles
  gToggle.countRun();
  const at::Tensor b = bias.defined() ? bias : at::empty({0}, input.options());
  return DilatedDepthwiseConvFunction::apply(input, weight, b, padding, dilation);
}

KernelToggle& DilatedDepthwiseConvToggle() { return gToggle; }

}  // namespace leanconv
