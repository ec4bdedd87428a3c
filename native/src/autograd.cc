// Autograd: libtorch records the graph for every op on tensors that require grad; these functions expose
// backward and the per-tensor autograd state.
#include <torch/csrc/autograd/function.h>

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

void RegisterAutograd(Napi::Env env, Napi::Object exports) {
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
