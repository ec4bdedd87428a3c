// Neural-network functional ops: convolution, normalisation, pooling, activations and losses.
#include "common.h"
#include "kernels.h"

namespace leanconv {

// input, weight, bias?, stride[2], padding[2], dilation[2], groups
LC_OP(conv2d) {
  const at::Tensor& input = T(info, 0);
  const at::Tensor& weight = T(info, 1);
  const auto bias = OptT(info, 2);
  const auto stride = IList(info, 3), padding = IList(info, 4), dilation = IList(info, 5);
  const int64_t groups = I(info, 6);
  if (DilatedDepthwiseConvApplies(input, weight, stride, padding, dilation, groups)) {
    LC_RET(DilatedDepthwiseConv(input, weight, bias.value_or(at::Tensor()), padding[0], dilation[0]));
  }
  if (GroupedConvChannelsLastApplies(input, weight, bias, stride, padding, dilation, groups)) {
    LC_RET(GroupedConvChannelsLast(input, weight, bias, groups));
  }
  LC_RET(at::conv2d(input, weight, bias, stride, padding, dilation, groups));
}

// input, weight, bias?
LC_OP(linear) { LC_RET(at::linear(T(info, 0), T(info, 1), OptT(info, 2))); }

// input, weight?, bias?, runningMean?, runningVar?, training, momentum, eps, relu?
// In training mode the running statistics are updated in place, as torch.nn.functional.batch_norm does.
// relu: apply ReLU to the result (one pass with leanconv's channels-last kernel, else a second op).
LC_OP(batchNorm) {
  const at::Tensor& input = T(info, 0);
  const bool training = B(info, 5), relu = !IsMissing(info, 8) && B(info, 8);
  const auto weight = OptT(info, 1), bias = OptT(info, 2), runningMean = OptT(info, 3), runningVar = OptT(info, 4);
  if (ChannelsLastBatchNormApplies(input, training)) {
    LC_RET(ChannelsLastBatchNorm(input, weight.value_or(at::Tensor()), bias.value_or(at::Tensor()),
                                 runningMean.value_or(at::Tensor()), runningVar.value_or(at::Tensor()), D(info, 6),
                                 D(info, 7), relu));
  }
  if (ChannelsLastBatchNormInferenceApplies(input, training, weight.value_or(at::Tensor()), bias.value_or(at::Tensor()),
                                            runningMean.value_or(at::Tensor()), runningVar.value_or(at::Tensor()))) {
    LC_RET(ChannelsLastBatchNormInference(input, weight.value_or(at::Tensor()), bias.value_or(at::Tensor()),
                                          *runningMean, *runningVar, D(info, 7), relu));
  }
  at::Tensor out = at::batch_norm(input, weight, bias, runningMean, runningVar, training, D(info, 6), D(info, 7),
                                  /*cudnn_enabled=*/true);
  LC_RET(relu ? at::relu_(out) : out);
}

namespace {
KernelToggle& KernelNamed(const std::string& name) {
  if (name == "channelsLastBatchNorm") return ChannelsLastBatchNormToggle();
  if (name == "dilatedDepthwiseConv") return DilatedDepthwiseConvToggle();
  if (name == "groupedConv") return GroupedConvChannelsLastToggle();
  throw ArgumentError("unknown kernel '" + name + "' (known: channelsLastBatchNorm, dilatedDepthwiseConv, groupedConv)");
}
}  // namespace

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
  LC_EXPORT(exports, linear);
  LC_EXPORT(exports, batchNorm);
  LC_EXPORT(exports, nativeKernel);
  LC_EXPORT(exports, nativeKernelRuns);
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
