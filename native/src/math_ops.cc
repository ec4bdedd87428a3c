// Arithmetic, elementwise math, comparisons, reductions and linear algebra.
#include "common.h"

namespace leanconv {

namespace {
bool IsTensor(const Napi::CallbackInfo& info, size_t i) { return info[i].IsExternal(); }
}  // namespace

// Binary ops whose second operand may be a tensor or a number; broadcasting is libtorch's.
#define LC_BINARY(name, call)                                          \
  LC_OP(name) {                                                        \
    if (IsTensor(info, 1)) LC_RET(call(T(info, 0), T(info, 1)));       \
    LC_RET(call(T(info, 0), S(info, 1)));                              \
  }
#define LC_BINARY_INPLACE(name, method)                                \
  LC_OP(name) {                                                        \
    if (IsTensor(info, 1)) { LC_INPLACE(T(info, 0).method(T(info, 1))); } \
    LC_INPLACE(T(info, 0).method(S(info, 1)));                         \
  }
#define LC_UNARY(name, call) \
  LC_OP(name) { LC_RET(call(T(info, 0))); }

// a, b, alpha: a + alpha * b
LC_OP(add) {
  at::Scalar alpha = IsMissing(info, 2) ? at::Scalar(1) : S(info, 2);
  if (IsTensor(info, 1)) LC_RET(at::add(T(info, 0), T(info, 1), alpha));
  LC_RET(at::add(T(info, 0), S(info, 1), alpha));
}
LC_OP(sub) {
  at::Scalar alpha = IsMissing(info, 2) ? at::Scalar(1) : S(info, 2);
  if (IsTensor(info, 1)) LC_RET(at::sub(T(info, 0), T(info, 1), alpha));
  LC_RET(at::sub(T(info, 0), S(info, 1), alpha));
}
LC_OP(add_) {
  at::Scalar alpha = IsMissing(info, 2) ? at::Scalar(1) : S(info, 2);
  if (IsTensor(info, 1)) { LC_INPLACE(T(info, 0).add_(T(info, 1), alpha)); }
  LC_INPLACE(T(info, 0).add_(S(info, 1), alpha));
}
LC_OP(sub_) {
  at::Scalar alpha = IsMissing(info, 2) ? at::Scalar(1) : S(info, 2);
  if (IsTensor(info, 1)) { LC_INPLACE(T(info, 0).sub_(T(info, 1), alpha)); }
  LC_INPLACE(T(info, 0).sub_(S(info, 1), alpha));
}
LC_BINARY(mul, at::mul)
LC_BINARY_INPLACE(mul_, mul_)
LC_BINARY_INPLACE(div_, div_)
LC_BINARY(remainder, at::remainder)
LC_BINARY(pow, at::pow)
LC_BINARY(eq, at::eq)
LC_BINARY(ne, at::ne)
LC_BINARY(lt, at::lt)
LC_BINARY(le, at::le)
LC_BINARY(gt, at::gt)
LC_BINARY(ge, at::ge)
LC_OP(maximum) { LC_RET(at::maximum(T(info, 0), T(info, 1))); }
LC_OP(minimum) { LC_RET(at::minimum(T(info, 0), T(info, 1))); }

// a, b, roundingMode? ('trunc' | 'floor')
LC_OP(div) {
  c10::optional<std::string> mode;
  if (!IsMissing(info, 2)) mode = Str(info, 2);
  c10::optional<c10::string_view> rounding;
  if (mode) rounding = c10::string_view(*mode);
  if (IsTensor(info, 1)) LC_RET(at::div(T(info, 0), T(info, 1), rounding));
  LC_RET(at::div(T(info, 0), S(info, 1), rounding));
}

// t += value * t1 * t2  /  t += value * t1 / t2  (optimizer building blocks)
LC_OP(addcmul_) { LC_INPLACE(T(info, 0).addcmul_(T(info, 1), T(info, 2), S(info, 3))); }
LC_OP(addcdiv_) { LC_INPLACE(T(info, 0).addcdiv_(T(info, 1), T(info, 2), S(info, 3))); }

LC_UNARY(neg, at::neg)
LC_UNARY(abs, at::abs)
LC_UNARY(sign, at::sign)
LC_UNARY(exp, at::exp)
LC_UNARY(log, at::log)
LC_UNARY(sqrt, at::sqrt)
LC_UNARY(rsqrt, at::rsqrt)
LC_UNARY(square, at::square)
LC_UNARY(reciprocal, at::reciprocal)
LC_UNARY(floor, at::floor)
LC_UNARY(ceil, at::ceil)
LC_UNARY(round, at::round)
LC_UNARY(sin, at::sin)
LC_UNARY(cos, at::cos)
LC_UNARY(isnan, at::isnan)
LC_UNARY(isfinite, at::isfinite)
LC_UNARY(logicalNot, at::logical_not)
LC_OP(logicalAnd) { LC_RET(at::logical_and(T(info, 0), T(info, 1))); }
LC_OP(logicalOr) { LC_RET(at::logical_or(T(info, 0), T(info, 1))); }

// tensor, min?, max?
LC_OP(clamp) {
  c10::optional<at::Scalar> lo, hi;
  if (!IsMissing(info, 1)) lo = S(info, 1);
  if (!IsMissing(info, 2)) hi = S(info, 2);
  LC_RET(at::clamp(T(info, 0), lo, hi));
}
LC_OP(clamp_) {
  c10::optional<at::Scalar> lo, hi;
  if (!IsMissing(info, 1)) lo = S(info, 1);
  if (!IsMissing(info, 2)) hi = S(info, 2);
  LC_INPLACE(at::clamp_(T(info, 0), lo, hi));
}

LC_OP(matmul) { LC_RET(at::matmul(T(info, 0), T(info, 1))); }
LC_OP(kron) { LC_RET(at::kron(T(info, 0), T(info, 1))); }
LC_OP(outer) { LC_RET(at::outer(T(info, 0), T(info, 1))); }

// --- reductions: (tensor, dims?, keepdim, ...) -----------------------------------------------------------
LC_OP(sum) {
  if (IsMissing(info, 1)) LC_RET(T(info, 0).sum(OptDType(info, 3)));
  LC_RET(T(info, 0).sum(IList(info, 1), B(info, 2), OptDType(info, 3)));
}
LC_OP(mean) {
  if (IsMissing(info, 1)) LC_RET(T(info, 0).mean());
  LC_RET(T(info, 0).mean(IList(info, 1), B(info, 2)));
}
LC_OP(prod) {
  if (IsMissing(info, 1)) LC_RET(T(info, 0).prod());
  LC_RET(T(info, 0).prod(I(info, 1), B(info, 2)));
}
// tensor, dims?, keepdim, correction (1 = unbiased, as PyTorch's default)
LC_OP(var) {
  at::OptionalIntArrayRef dims;
  std::vector<int64_t> dimList;
  if (!IsMissing(info, 1)) dims = dimList = IList(info, 1);
  LC_RET(at::var(T(info, 0), dims, c10::optional<int64_t>(I(info, 3)), B(info, 2)));
}
LC_OP(std) {
  at::OptionalIntArrayRef dims;
  std::vector<int64_t> dimList;
  if (!IsMissing(info, 1)) dims = dimList = IList(info, 1);
  LC_RET(at::std(T(info, 0), dims, c10::optional<int64_t>(I(info, 3)), B(info, 2)));
}
// tensor, dim?, keepdim: without dim the overall maximum; with dim [values, indices]
LC_OP(max) {
  if (IsMissing(info, 1)) LC_RET(T(info, 0).max());
  auto [values, indices] = T(info, 0).max(I(info, 1), B(info, 2));
  return WrapList(info.Env(), {values, indices});
}
LC_OP(min) {
  if (IsMissing(info, 1)) LC_RET(T(info, 0).min());
  auto [values, indices] = T(info, 0).min(I(info, 1), B(info, 2));
  return WrapList(info.Env(), {values, indices});
}
LC_OP(argmax) { LC_RET(T(info, 0).argmax(OptI(info, 1), B(info, 2))); }
LC_OP(argmin) { LC_RET(T(info, 0).argmin(OptI(info, 1), B(info, 2))); }
// tensor, p, dims?, keepdim
LC_OP(norm) {
  if (IsMissing(info, 2)) LC_RET(at::norm(T(info, 0), S(info, 1)));
  LC_RET(at::norm(T(info, 0), S(info, 1), IList(info, 2), B(info, 3)));
}
// tensor, k, dim, largest, sorted -> [values, indices]
LC_OP(topk) {
  auto [values, indices] = T(info, 0).topk(I(info, 1), I(info, 2), B(info, 3), B(info, 4));
  return WrapList(info.Env(), {values, indices});
}
// tensor, dim, descending -> [values, indices]
LC_OP(sort) {
  auto [values, indices] = T(info, 0).sort(I(info, 1), B(info, 2));
  return WrapList(info.Env(), {values, indices});
}
LC_OP(cumsum) { LC_RET(T(info, 0).cumsum(I(info, 1))); }
LC_OP(logsumexp) { LC_RET(at::logsumexp(T(info, 0), IList(info, 1), B(info, 2))); }
LC_OP(all) { LC_RET(T(info, 0).all()); }
LC_OP(any) { LC_RET(T(info, 0).any()); }

// Whole-tensor predicates returning a JS boolean.
LC_OP(equal) { return Napi::Boolean::New(info.Env(), T(info, 0).equal(T(info, 1))); }
LC_OP(allclose) { return Napi::Boolean::New(info.Env(), T(info, 0).allclose(T(info, 1), D(info, 2), D(info, 3))); }

void RegisterMathOps(Napi::Env env, Napi::Object exports) {
  LC_EXPORT(exports, add);
  LC_EXPORT(exports, sub);
  LC_EXPORT(exports, add_);
  LC_EXPORT(exports, sub_);
  LC_EXPORT(exports, mul);
  LC_EXPORT(exports, mul_);
  LC_EXPORT(exports, div);
  LC_EXPORT(exports, div_);
  LC_EXPORT(exports, remainder);
  LC_EXPORT(exports, pow);
  LC_EXPORT(exports, eq);
  LC_EXPORT(exports, ne);
  LC_EXPORT(exports, lt);
  LC_EXPORT(exports, le);
  LC_EXPORT(exports, gt);
  LC_EXPORT(exports, ge);
  LC_EXPORT(exports, maximum);
  LC_EXPORT(exports, minimum);
  LC_EXPORT(exports, addcmul_);
  LC_EXPORT(exports, addcdiv_);
  LC_EXPORT(exports, neg);
  LC_EXPORT(exports, abs);
  LC_EXPORT(exports, sign);
  LC_EXPORT(exports, exp);
  LC_EXPORT(exports, log);
  LC_EXPORT(exports, sqrt);
  LC_EXPORT(exports, rsqrt);
  LC_EXPORT(exports, square);
  LC_EXPORT(exports, reciprocal);
  LC_EXPORT(exports, floor);
  LC_EXPORT(exports, ceil);
  LC_EXPORT(exports, round);
  LC_EXPORT(exports, sin);
  LC_EXPORT(exports, cos);
  LC_EXPORT(exports, isnan);
  LC_EXPORT(exports, isfinite);
  LC_EXPORT(exports, logicalNot);
  LC_EXPORT(exports, logicalAnd);
  LC_EXPORT(exports, logicalOr);
  LC_EXPORT(exports, clamp);
  LC_EXPORT(exports, clamp_);
  LC_EXPORT(exports, matmul);
  LC_EXPORT(exports, kron);
  LC_EXPORT(exports, outer);
  LC_EXPORT(exports, sum);
  LC_EXPORT(exports, mean);
  LC_EXPORT(exports, prod);
  LC_EXPORT(exports, var);
  LC_EXPORT(exports, std);
  LC_EXPORT(exports, max);
  LC_EXPORT(exports, min);
  LC_EXPORT(exports, argmax);
  LC_EXPORT(exports, argmin);
  LC_EXPORT(exports, norm);
  LC_EXPORT(exports, topk);
  LC_EXPORT(exports, sort);
  LC_EXPORT(exports, cumsum);
  LC_EXPORT(exports, logsumexp);
  LC_EXPORT(exports, all);
  LC_EXPORT(exports, any);
  LC_EXPORT(exports, equal);
  LC_EXPORT(exports, allclose);
}

}  // namespace leanconv
