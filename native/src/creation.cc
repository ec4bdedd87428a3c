// Tensor creation. Every creator takes (..., dtype code, device, requiresGrad) as its last arguments.
#include "common.h"

namespace leanconv {

namespace {

at::TensorOptions Options(const Napi::CallbackInfo& info, size_t first) {
  at::TensorOptions options;
  if (auto dtype = OptDType(info, first)) options = options.dtype(*dtype);
  return options.device(Dev(info, first + 1));
}

Napi::Value Finish(const Napi::CallbackInfo& info, at::Tensor t, size_t requiresGradIndex) {
  if (B(info, requiresGradIndex)) t.requires_grad_(true);
  return Wrap(info.Env(), std::move(t));
}

}  // namespace

// shape, dtype, device, requiresGrad
LC_OP(zeros) { return Finish(info, at::zeros(IList(info, 0), Options(info, 1)), 3); }
LC_OP(ones) { return Finish(info, at::ones(IList(info, 0), Options(info, 1)), 3); }
LC_OP(empty) { return Finish(info, at::empty(IList(info, 0), Options(info, 1)), 3); }
LC_OP(rand) { return Finish(info, at::rand(IList(info, 0), Options(info, 1)), 3); }
LC_OP(randn) { return Finish(info, at::randn(IList(info, 0), Options(info, 1)), 3); }

// shape, value, dtype, device, requiresGrad
LC_OP(full) { return Finish(info, at::full(IList(info, 0), S(info, 1), Options(info, 2)), 4); }

// low, high, shape, dtype, device, requiresGrad
LC_OP(randint) { return Finish(info, at::randint(I(info, 0), I(info, 1), IList(info, 2), Options(info, 3)), 5); }

// n, dtype, device, requiresGrad
LC_OP(randperm) { return Finish(info, at::randperm(I(info, 0), Options(info, 1)), 3); }
LC_OP(eye) { return Finish(info, at::eye(I(info, 0), Options(info, 1)), 3); }

// start, end, step, dtype, device, requiresGrad
LC_OP(arange) { return Finish(info, at::arange(S(info, 0), S(info, 1), S(info, 2), Options(info, 3)), 5); }

// start, end, steps, dtype, device, requiresGrad
LC_OP(linspace) { return Finish(info, at::linspace(S(info, 0), S(info, 1), I(info, 2), Options(info, 3)), 5); }

// tensor, dtype?, device?  (the shape and, unless given, the dtype and device of `tensor`)
LC_OP(zerosLike) {
  const at::Tensor& t = T(info, 0);
  return Wrap(info.Env(), at::zeros_like(t, t.options().dtype(OptDType(info, 1).value_or(t.scalar_type()))));
}
LC_OP(onesLike) {
  const at::Tensor& t = T(info, 0);
  return Wrap(info.Env(), at::ones_like(t, t.options().dtype(OptDType(info, 1).value_or(t.scalar_type()))));
}
LC_OP(randLike) { return Wrap(info.Env(), at::rand_like(T(info, 0))); }
LC_OP(randnLike) { return Wrap(info.Env(), at::randn_like(T(info, 0))); }
LC_OP(fullLike) { return Wrap(info.Env(), at::full_like(T(info, 0), S(info, 1))); }

// In-place random fills used by initializers: uniform_(a, b), normal_(mean, std), bernoulli_(p).
LC_OP(uniform_) {
  T(info, 0).uniform_(D(info, 1), D(info, 2));
  return info.Env().Undefined();
}
LC_OP(normal_) {
  T(info, 0).normal_(D(info, 1), D(info, 2));
  return info.Env().Undefined();
}
LC_OP(bernoulli_) {
  T(info, 0).bernoulli_(D(info, 1));
  return info.Env().Undefined();
}

void RegisterCreation(Napi::Env env, Napi::Object exports) {
  LC_EXPORT(exports, zeros);
  LC_EXPORT(exports, ones);
  LC_EXPORT(exports, empty);
  LC_EXPORT(exports, rand);
  LC_EXPORT(exports, randn);
  LC_EXPORT(exports, full);
  LC_EXPORT(exports, randint);
  LC_EXPORT(exports, randperm);
  LC_EXPORT(exports, eye);
  LC_EXPORT(exports, arange);
  LC_EXPORT(exports, linspace);
  LC_EXPORT(exports, zerosLike);
  LC_EXPORT(exports, onesLike);
  LC_EXPORT(exports, randLike);
  LC_EXPORT(exports, randnLike);
  LC_EXPORT(exports, fullLike);
  LC_EXPORT(exports, uniform_);
  LC_EXPORT(exports, normal_);
  LC_EXPORT(exports, bernoulli_);
}

}  // namespace leanconv
