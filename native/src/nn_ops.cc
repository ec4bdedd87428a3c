// Neural-network functional ops: convolution, normalisation, pooling, activations and losses.
#include <algorithm>

#include "common.h"
#include "kernels/kernels.h"

namespace leanconv {

namespace {

// A conv through leanconv's kernels where one applies (kernels.h), else libtorch's.
at::Tensor Conv2d(const at::Tensor& input, const at::Tensor& weight, const c10::optional<at::Tensor>& bias,
                  at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups) {
  if (DilatedDepthwiseConvApplies(input, weight, stride, padding, dilation, groups)) {
    return DilatedDepthwiseConv(input, weight, bias.value_or(at::Tensor()), padding[0], dilation[0]);
  }
  if (GroupedConvChannelsLastApplies(input, weight, bias, stride, padding, dilation, groups)) {
    return GroupedConvChannelsLast(input, weight, bias, groups, at::Tensor(), at::Tensor());
  }
  if (PointwiseConvChannelsLastApplies(input, weight, bias, stride, padding, dilation, groups, input.size(1))) {
    return PointwiseConvChannelsLast(input, weight, bias, groups, at::Tensor(), at::Tensor(), at::Tensor(), false);
  }
  if (WinogradConvApplies(input, weight, bias, stride, padding, dilation, groups)) {
    return WinogradConv(input, weight, bias, at::Tensor(), false);
  }
  // A 1x1 conv on 1x1 maps (the fully connected layers of gates and squeeze-excitation written as convs) is a
  // matrix product: libtorch's conv costs about 40 µs more per call there (oneDNN's setup), in both directions.
  if (input.dim() == 4 && input.size(2) == 1 && input.size(3) == 1 && weight.dim() == 4 && weight.size(2) == 1 &&
      weight.size(3) == 1 && groups == 1 && weight.size(1) == input.size(1) && stride[0] == 1 && stride[1] == 1 &&
      padding[0] == 0 && padding[1] == 0 && input.is_contiguous()) {
    return at::linear(input.flatten(1), weight.flatten(1), bias).view({input.size(0), weight.size(0), 1, 1});
  }
  return at::conv2d(input, weight, bias, stride, padding, dilation, groups);
}

// Batch norm (then ReLU) through leanconv's channels-last kernels where they apply, else libtorch's. In
// training mode the running statistics are updated in place, as torch.nn.functional.batch_norm does.
at::Tensor BatchNorm(const at::Tensor& input, const c10::optional<at::Tensor>& weight, const c10::optional<at::Tensor>& bias,
                     const c10::optional<at::Tensor>& runningMean, const c10::optional<at::Tensor>& runningVar,
                     bool training, double momentum, double eps, bool relu) {
  if (ChannelsLastBatchNormApplies(input, training)) {
    return ChannelsLastBatchNorm(input, weight.value_or(at::Tensor()), bias.value_or(at::Tensor()),
                                 runningMean.value_or(at::Tensor()), runningVar.value_or(at::Tensor()), momentum, eps, relu);
  }
  if (ChannelsLastBatchNormInferenceApplies(input, training, weight.value_or(at::Tensor()), bias.value_or(at::Tensor()),
                                            runningMean.value_or(at::Tensor()), runningVar.value_or(at::Tensor()))) {
    return ChannelsLastBatchNormInference(input, weight.value_or(at::Tensor()), bias.value_or(at::Tensor()), *runningMean,
                                          *runningVar, eps, relu);
  }
  at::Tensor out = at::batch_norm(input, weight, bias, runningMean, runningVar, training, momentum, eps,
                                  /*cudnn_enabled=*/true);
  return relu ? at::relu_(out) : out;
}

}  // namespace

// input, weight, bias?, stride[2], padding[2], dilation[2], groups, residual?, relu?
// The epilogue: relu(conv + residual) (a post-activation residual block's end) in the conv's own pass where
// leanconv's Winograd kernel takes the conv at inference, else as ops after it (in place when nothing records
// a gradient).
LC_OP(conv2d) {
  const at::Tensor input = T(info, 0), weight = T(info, 1);
  const c10::optional<at::Tensor> bias = OptT(info, 2), residual = OptT(info, 7);
  const std::vector<int64_t> stride = IList(info, 3), padding = IList(info, 4), dilation = IList(info, 5);
  const int64_t groups = I(info, 6);
  const bool relu = !IsMissing(info, 8) && B(info, 8);
  if (!residual && !relu) LC_RET(Conv2d(input, weight, bias, stride, padding, dilation, groups));
  // (A Winograd conv's output has the input's size: stride 1, padding 1.)
  const bool residualFits = !residual || (residual->dim() == 4 && residual->size(0) == input.size(0) &&
                                          residual->size(1) == weight.size(0) && residual->size(2) == input.size(2) &&
                                          residual->size(3) == input.size(3) && residual->scalar_type() == at::kFloat &&
                                          residual->device().is_cpu());
  if (residualFits && WinogradConvApplies(input, weight, bias, stride, padding, dilation, groups) &&
      !ConvRecordsGradient(input, weight, bias) && !(residual && RecordsGradient(*residual))) {
    LC_RET(WinogradConv(input, weight, bias, residual.value_or(at::Tensor()), relu));
  }
  at::Tensor out = Conv2d(input, weight, bias, stride, padding, dilation, groups);
  if (residual && residual->sizes() != out.sizes()) {
    throw ArgumentError("conv2d: the residual has shape " + c10::str(residual->sizes()) + ", the conv's output " +
                        c10::str(out.sizes()));
  }
  const bool inPlace = !RecordsGradient(out) && !(residual && RecordsGradient(*residual));
  if (residual) out = inPlace ? out.add_(*residual) : out + *residual;
  if (relu) out = inPlace ? at::relu_(out) : at::relu(out);
  LC_RET(out);
}

// input, weight, bias?
LC_OP(linear) { LC_RET(at::linear(T(info, 0), T(info, 1), OptT(info, 2))); }

// input, scale, shift, weight, bias?, stride[2], padding[2], dilation[2], groups, index?
// conv2d(relu(x·scale + shift)) with x = input, or input's channels `index` (int64) when given, and one scale and
// shift per channel of x: a pre-activation conv whose eval-mode BN is folded into an affine map (CondenseNet's
// converted layers gather their inputs first). leanconv's 1x1 kernel applies the gather and the affine map as it
// reads the input, its grouped-conv kernel the affine map; otherwise it is a gather, a BN + ReLU pass
// (statistics 0 and 1, eps 0: exactly x·scale + shift) and the conv.
LC_OP(affineReluConv2d) {
  const at::Tensor& input = T(info, 0);
  const at::Tensor& scale = T(info, 1);
  const at::Tensor& shift = T(info, 2);
  const at::Tensor& weight = T(info, 3);
  const auto bias = OptT(info, 4);
  const auto stride = IList(info, 5), padding = IList(info, 6), dilation = IList(info, 7);
  const int64_t groups = I(info, 8);
  const auto index = OptT(info, 9);
  if (input.dim() != 4) throw ArgumentError("expected a 4-D input [N, C, H, W], got " + std::to_string(input.dim()) + " dims");
  if (index) {
    if (index->dim() != 1 || index->scalar_type() != at::kLong) throw ArgumentError("index must be a 1-D int64 tensor");
    // A plain loop (no reductions dispatched per call); index_select checks an index on another device itself.
    if (index->device().is_cpu()) {
      const at::Tensor indices = index->contiguous();
      const int64_t* v = indices.data_ptr<int64_t>();
      if (std::any_of(v, v + indices.numel(), [&](int64_t i) { return i < 0 || i >= input.size(1); })) {
        throw ArgumentError("index holds channels outside [0, " + std::to_string(input.size(1)) + ")");
      }
    }
  }
  const int64_t c = index ? index->numel() : input.size(1);
  if (scale.numel() != c || shift.numel() != c) {
    throw ArgumentError("scale and shift need one value per input channel (" + std::to_string(c) + "), got " +
                        std::to_string(scale.numel()) + " and " + std::to_string(shift.numel()));
  }
  const bool plainAffine = !RecordsGradient(scale) && !RecordsGradient(shift) && scale.scalar_type() == at::kFloat &&
                           shift.scalar_type() == at::kFloat && scale.device().is_cpu() && shift.device().is_cpu() &&
                           (!index || index->device().is_cpu());
  if (plainAffine && PointwiseConvChannelsLastApplies(input, weight, bias, stride, padding, dilation, groups, c)) {
    LC_RET(PointwiseConvChannelsLast(input, weight, bias, groups, index.value_or(at::Tensor()), scale, shift, true));
  }
  const at::Tensor picked = index ? input.index_select(1, *index) : input;
  if (plainAffine && GroupedConvChannelsLastApplies(picked, weight, bias, stride, padding, dilation, groups)) {
    LC_RET(GroupedConvChannelsLast(picked, weight, bias, groups, scale, shift));
  }
  const at::Tensor activated =
      BatchNorm(picked, scale, shift, at::zeros_like(shift), at::ones_like(scale), false, 0.0, 0.0, /*relu=*/true);
  LC_RET(Conv2d(activated, weight, bias, stride, padding, dilation, groups));
}

// input [N, C, H, W], weight (C values), bias? (one value)
// Attention pooling: out[n, c] = Σ_p softmax_p(Σ_c' weight[c']·input[n, c', p] + bias) · input[n, c, p], as
// [N, C, 1, 1]: a global context whose pixel weights come from a 1x1 conv to one channel (HCGNet's gates, GCNet).
LC_OP(attentionPool2d) {
  const at::Tensor& input = T(info, 0);
  const at::Tensor& weight = T(info, 1);
  const auto bias = OptT(info, 2);
  if (input.dim() != 4) throw ArgumentError("expected a 4-D input [N, C, H, W], got " + std::to_string(input.dim()) + " dims");
  const int64_t n = input.size(0), c = input.size(1), pixels = input.size(2) * input.size(3);
  if (weight.numel() != c) {
    throw ArgumentError("weight needs one value per input channel (" + std::to_string(c) + "), got " + std::to_string(weight.numel()));
  }
  if (bias && bias->numel() != 1) throw ArgumentError("bias needs one value, got " + std::to_string(bias->numel()));
  if (AttentionPoolApplies(input, weight, bias)) LC_RET(AttentionPool(input, weight, bias));
  const at::Tensor logits = at::conv2d(input, weight.reshape({1, c, 1, 1}), bias);
  const at::Tensor weights = at::softmax(logits.reshape({n, pixels}), 1).reshape({n, 1, input.size(2), input.size(3)});
  LC_RET(at::sum(input * weights, {2, 3}, /*keepdim=*/true));
}

// input, weight?, bias?, runningMean?, runningVar?, training, momentum, eps, relu?
// relu: apply ReLU to the result (one pass with leanconv's channels-last kernel, else a second op).
LC_OP(batchNorm) {
  const bool relu = !IsMissing(info, 8) && B(info, 8);
  LC_RET(BatchNorm(T(info, 0), OptT(info, 1), OptT(info, 2), OptT(info, 3), OptT(info, 4), B(info, 5), D(info, 6),
                   D(info, 7), relu));
}

// input, numGroups, weight?, bias?, eps: group normalisation (torch.nn.functional.group_norm); no running statistics.
LC_OP(groupNorm) {
  LC_RET(at::group_norm(T(info, 0), I(info, 1), OptT(info, 2), OptT(info, 3), D(info, 4)));
}

std::vector<KernelToggle*>& KernelRegistry() {
  static std::vector<KernelToggle*> registry;
  return registry;
}

namespace {
KernelToggle& KernelNamed(const std::string& name) {
  std::string known;
  for (KernelToggle* kernel : KernelRegistry()) {
    if (name == kernel->name()) return *kernel;
    known += (known.empty() ? "" : ", ") + std::string(kernel->name());
  }
  throw ArgumentError("unknown kernel '" + name + "' (known: " + known + ")");
}
}  // namespace

// The registered kernels: [{ name, environmentVariable, enabled, runs }].
LC_OP(nativeKernels) {
  Napi::Env env = info.Env();
  auto list = Napi::Array::New(env);
  uint32_t i = 0;
  for (KernelToggle* kernel : KernelRegistry()) {
    auto entry = Napi::Object::New(env);
    entry.Set("name", kernel->name());
    entry.Set("environmentVariable", kernel->environmentVariable());
    entry.Set("enabled", kernel->enabled());
    entry.Set("runs", static_cast<double>(kernel->runs()));
    list.Set(i++, entry);
  }
  return list;
}

// name, enabled?: switches one of leanconv's own kernels (kernels.h) on or off; returns whether it was on.
LC_OP(nativeKernel) {
  KernelToggle& kernel = KernelNamed(Str(info, 0));
  const bool was = kernel.enabled();
  if (!IsMissing(info, 1)) kernel.setEnabled(B(info, 1));
  return Napi::Boolean::New(info.Env(), was);
}

// name: how many calls ran that kernel since load.
LC_OP(nativeKernelRuns) { return Napi::Number::New(info.Env(), static_cast<double>(KernelNamed(Str(info, 0)).runs())); }

// input, kernel[2], stride[2], padding[2], dilation[2], ceilMode
LC_OP(maxPool2d) {
  LC_RET(at::max_pool2d(T(info, 0), IList(info, 1), IList(info, 2), IList(info, 3), IList(info, 4), B(info, 5)));
}

// input, kernel[2], stride[2], padding[2], ceilMode, countIncludePad, divisorOverride?
LC_OP(avgPool2d) {
  LC_RET(at::avg_pool2d(T(info, 0), IList(info, 1), IList(info, 2), IList(info, 3), B(info, 4), B(info, 5), OptI(info, 6)));
}

LC_OP(adaptiveAvgPool2d) { LC_RET(at::adaptive_avg_pool2d(T(info, 0), IList(info, 1))); }
LC_OP(adaptiveMaxPool2d) { LC_RET(std::get<0>(at::adaptive_max_pool2d(T(info, 0), IList(info, 1)))); }

LC_OP(relu) { LC_RET(at::relu(T(info, 0))); }
LC_OP(relu_) { LC_INPLACE(at::relu_(T(info, 0))); }
LC_OP(relu6) { LC_RET(at::hardtanh(T(info, 0), 0, 6)); }
LC_OP(leakyRelu) { LC_RET(at::leaky_relu(T(info, 0), S(info, 1))); }
LC_OP(sigmoid) { LC_RET(at::sigmoid(T(info, 0))); }
LC_OP(tanh) { LC_RET(at::tanh(T(info, 0))); }
LC_OP(silu) { LC_RET(at::silu(T(info, 0))); }
LC_OP(hardswish) { LC_RET(at::hardswish(T(info, 0))); }
LC_OP(hardsigmoid) { LC_RET(at::hardsigmoid(T(info, 0))); }
LC_OP(gelu) { LC_RET(at::gelu(T(info, 0))); }

// input, dim, dtype?
LC_OP(softmax) { LC_RET(at::softmax(T(info, 0), I(info, 1), OptDType(info, 2))); }
LC_OP(logSoftmax) { LC_RET(at::log_softmax(T(info, 0), I(info, 1), OptDType(info, 2))); }

// input, p, training
LC_OP(dropout) { LC_RET(at::dropout(T(info, 0), D(info, 1), B(info, 2))); }

// Reduction codes follow at::Reduction: 0 none, 1 mean, 2 sum.
// input, target (class indices or probabilities), weight?, reduction, ignoreIndex, labelSmoothing
LC_OP(crossEntropy) {
  LC_RET(at::cross_entropy_loss(T(info, 0), T(info, 1), OptT(info, 2), I(info, 3), I(info, 4), D(info, 5)));
}
// input (log-probabilities), target, weight?, reduction, ignoreIndex
LC_OP(nllLoss) { LC_RET(at::nll_loss_nd(T(info, 0), T(info, 1), OptT(info, 2), I(info, 3), I(info, 4))); }
// input, target, reduction
LC_OP(mseLoss) { LC_RET(at::mse_loss(T(info, 0), T(info, 1), I(info, 2))); }
// input (logits), target, weight?, reduction
LC_OP(binaryCrossEntropyWithLogits) {
  LC_RET(at::binary_cross_entropy_with_logits(T(info, 0), T(info, 1), OptT(info, 2), c10::nullopt, I(info, 3)));
}
// indices, numClasses (-1: inferred)
LC_OP(oneHot) { LC_RET(at::one_hot(T(info, 0), I(info, 1))); }

void RegisterNNOps(Napi::Env env, Napi::Object exports) {
  LC_EXPORT(exports, conv2d);
  LC_EXPORT(exports, affineReluConv2d);
  LC_EXPORT(exports, attentionPool2d);
  LC_EXPORT(exports, linear);
  LC_EXPORT(exports, batchNorm);
  LC_EXPORT(exports, groupNorm);
  LC_EXPORT(exports, nativeKernel);
  LC_EXPORT(exports, nativeKernelRuns);
  LC_EXPORT(exports, nativeKernels);
  LC_EXPORT(exports, maxPool2d);
  LC_EXPORT(exports, avgPool2d);
  LC_EXPORT(exports, adaptiveAvgPool2d);
  LC_EXPORT(exports, adaptiveMaxPool2d);
  LC_EXPORT(exports, relu);
  LC_EXPORT(exports, relu_);
  LC_EXPORT(exports, relu6);
  LC_EXPORT(exports, leakyRelu);
  LC_EXPORT(exports, sigmoid);
  LC_EXPORT(exports, tanh);
  LC_EXPORT(exports, silu);
  LC_EXPORT(exports, hardswish);
  LC_EXPORT(exports, hardsigmoid);
  LC_EXPORT(exports, gelu);
  LC_EXPORT(exports, softmax);
  LC_EXPORT(exports, logSoftmax);
  LC_EXPORT(exports, dropout);
  LC_EXPORT(exports, crossEntropy);
  LC_EXPORT(exports, nllLoss);
  LC_EXPORT(exports, mseLoss);
  LC_EXPORT(exports, binaryCrossEntropyWithLogits);
  LC_EXPORT(exports, oneHot);
}

}  // namespace leanconv
