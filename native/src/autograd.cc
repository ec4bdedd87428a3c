// Autograd: libtorch records the graph for every op on tensors that require grad; these functions expose
// backward and the per-tensor autograd state, and libtorch's op profiler (for bench/, on demand).
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/profiler_legacy.h>

#include <memory>

#include "common.h"

namespace leanconv {

// tensor, gradient?, retainGraph, createGraph
LC_OP(backward) {
  const at::Tensor& t = T(info, 0);
  at::Tensor gradient;
  if (auto g = OptT(info, 1)) gradient = *g;
  t.backward(gradient, B(info, 2), B(info, 3));
  return info.Env().Undefined();
}

LC_OP(grad) { LC_RET(T(info, 0).grad()); }

// tensor, gradient? (missing: clear the gradient, like setting .grad = None)
LC_OP(setGrad) {
  at::Tensor gradient;
  if (auto g = OptT(info, 1)) gradient = *g;
  T(info, 0).mutable_grad() = gradient;
  return info.Env().Undefined();
}

LC_OP(requiresGrad) { return Napi::Boolean::New(info.Env(), T(info, 0).requires_grad()); }
LC_OP(setRequiresGrad) { LC_INPLACE(T(info, 0).requires_grad_(B(info, 1))); }
LC_OP(isLeaf) { return Napi::Boolean::New(info.Env(), T(info, 0).is_leaf()); }
LC_OP(retainGrad) { LC_INPLACE(T(info, 0).retain_grad()); }

LC_OP(gradFnName) {
  const auto& fn = T(info, 0).grad_fn();
  if (!fn) return info.Env().Undefined();
  return Napi::String::New(info.Env(), fn->name());
}

// libtorch's legacy profiler: every op dispatched between start and stop, forward and backward (the autograd
// engine's threads inherit it), written as a Chrome trace when it stops. One at a time.
static std::unique_ptr<torch::autograd::profiler::RecordProfile> gOpProfile;

LC_OP(startOpProfile) {
  if (gOpProfile) throw ArgumentError("a profile is already being recorded");
  gOpProfile = std::make_unique<torch::autograd::profiler::RecordProfile>(Str(info, 0));
  return info.Env().Undefined();
}

LC_OP(stopOpProfile) {
  if (!gOpProfile) throw ArgumentError("no profile is being recorded");
  gOpProfile.reset();  // writes the trace
  return info.Env().Undefined();
}

void RegisterAutograd(Napi::Env env, Napi::Object exports) {
  LC_EXPORT(exports, startOpProfile);
  LC_EXPORT(exports, stopOpProfile);
  LC_EXPORT(exports, backward);
  LC_EXPORT(exports, grad);
  LC_EXPORT(exports, setGrad);
  LC_EXPORT(exports, requiresGrad);
  LC_EXPORT(exports, setRequiresGrad);
  LC_EXPORT(exports, isLeaf);
  LC_EXPORT(exports, retainGrad);
  LC_EXPORT(exports, gradFnName);
}

}  // namespace leanconv
