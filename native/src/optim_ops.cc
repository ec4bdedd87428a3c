// Optimizer updates done in one call per parameter group instead of several ops per parameter: the
// arithmetic is exactly SGD's (torch.optim.SGD, foreach=False), in the same order, so results are
// bit-identical to running the ops one by one from JS; what goes away is the per-op crossing.
#include "common.h"

namespace leanconv {

namespace {

// sgdStep(params, buffers, lr, momentum, dampening, weightDecay, nesterov) -> created
// params: tensor handles; buffers: a momentum buffer handle or null per parameter. Parameters without
// a gradient are skipped. For a parameter whose buffer was null and that got one (momentum != 0, first
// step), `created` holds the new buffer's handle at its index; every other entry is undefined.
LC_OP(sgdStep) {
  Napi::Env env = info.Env();
  auto params = info[0].As<Napi::Array>();
  auto buffers = info[1].As<Napi::Array>();
  const double lr = D(info, 2), momentum = D(info, 3), dampening = D(info, 4), weightDecay = D(info, 5);
  const bool nesterov = B(info, 6);
  if (params.Length() != buffers.Length()) throw ArgumentError("params and buffers differ in length");
  at::NoGradGuard noGrad;
  auto created = Napi::Array::New(env, params.Length());
  for (uint32_t i = 0; i < params.Length(); ++i) {
    at::Tensor& p = Unwrap(params.Get(i));
    const at::Tensor& grad = p.grad();
    if (!grad.defined()) continue;
    at::Tensor d = weightDecay != 0 ? grad.add(p, weightDecay) : grad;
    if (momentum != 0) {
      Napi::Value held = buffers.Get(i);
      at::Tensor buf;
      if (held.IsNull() || held.IsUndefined()) {
        buf = d.clone();
        created.Set(i, Wrap(env, buf));
      } else {
        buf = Unwrap(held);
        buf.mul_(momentum).add_(d, 1 - dampening);
      }
      d = nesterov ? d.add(buf, momentum) : buf;
    }
    p.add_(d, -lr);
  }
  return created;
}

}  // namespace

void RegisterOptimOps(Napi::Env env, Napi::Object exports) { LC_EXPORT(exports, sgdStep); }

}  // namespace leanconv
