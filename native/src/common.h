// Shared pieces of the native layer: tensor handles, argument conversion and error translation.
//
// The addon is deliberately thin: every exported function converts its JS arguments, calls one ATen
// function and wraps the result. All policy (scopes, defaults, validation messages for users) lives in
// TypeScript. Each translation unit registers its functions through a Register* function declared here.
#pragma once

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>  // not reached through ATen.h in libtorch 2.x
#include <napi.h>
#include <torch/version.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// One source tree for libtorch 1.13 (Debian) and 2.x (pytorch.org builds, PyTorch wheels).
#define LEANCONV_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace leanconv {

// One JS-visible reference to a tensor. Disposing a handle drops this reference only: views and other
// handles sharing the storage keep it alive, exactly like `del t` in Python.
struct Handle {
  at::Tensor tensor;
  int64_t accountedBytes = 0;  // bytes reported to V8 for this handle, returned on release
};

// Thrown for bad arguments detected in the native layer; becomes a JS TypeError.
struct ArgumentError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --- handles ---------------------------------------------------------------------------------------
Napi::Value Wrap(Napi::Env env, at::Tensor tensor);
Napi::Value WrapList(Napi::Env env, const std::vector<at::Tensor>& tensors);
at::Tensor& Unwrap(const Napi::Value& value);  // throws if not a handle or already disposed
void Release(Napi::Env env, Handle* handle);  // drop the reference and its memory accounting
int64_t LiveHandleCount();
int64_t CollectedHandleCount();
int64_t AccountedBytes();

// --- argument conversion -------------------------------------------------------------------------------
inline at::Tensor& T(const Napi::CallbackInfo& info, size_t i) { return Unwrap(info[i]); }
c10::optional<at::Tensor> OptT(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> TList(const Napi::CallbackInfo& info, size_t i);
int64_t I(const Napi::CallbackInfo& info, size_t i);
c10::optional<int64_t> OptI(const Napi::CallbackInfo& info, size_t i);
double D(const Napi::CallbackInfo& info, size_t i);
c10::optional<double> OptD(const Napi::CallbackInfo& info, size_t i);
bool B(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> IList(const Napi::CallbackInfo& info, size_t i);
at::Scalar S(const Napi::CallbackInfo& info, size_t i);  // integral numbers stay integral, like Python ints
at::ScalarType DType(const Napi::CallbackInfo& info, size_t i);
c10::optional<at::ScalarType> OptDType(const Napi::CallbackInfo& info, size_t i);
at::Device Dev(const Napi::CallbackInfo& info, size_t i);
std::string Str(const Napi::CallbackInfo& info, size_t i);
inline bool IsMissing(const Napi::CallbackInfo& info, size_t i) {
  return info.Length() <= i || info[i].IsUndefined() || info[i].IsNull();
}

Napi::Value IntArray(Napi::Env env, at::IntArrayRef values);

// Runs an op body and turns libtorch and argument errors into JS errors that name the op.
template <typename Fn>
Napi::Value Guard(const Napi::CallbackInfo& info, const char* op, Fn&& body) {
  Napi::Env env = info.Env();
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const ArgumentError& e) {
    throw Napi::TypeError::New(env, std::string(op) + ": " + e.what());
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, std::string(op) + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string(op) + ": " + e.what());
  }
}

// Defines `static Napi::Value name(const Napi::CallbackInfo& info)` whose body is guarded.
#define LC_OP(name)                                                         \
  static Napi::Value name##_impl(const Napi::CallbackInfo& info);           \
  static Napi::Value name(const Napi::CallbackInfo& info) {                 \
    return Guard(info, #name, [&]() { return name##_impl(info); });         \
  }                                                                         \
  static Napi::Value name##_impl(const Napi::CallbackInfo& info)

// Return a new tensor handle, or nothing after an in-place op.
#define LC_RET(expr) return Wrap(info.Env(), (expr))
#define LC_INPLACE(expr) \
  (expr);                \
  return info.Env().Undefined()

#define LC_EXPORT(exports, name) \
  exports.Set(#name, Napi::Function::New(env, name, #name))

// --- registration ----------------------------------------------------------------------------------------
void InstallAllocator(Napi::Env env, Napi::Object exports);
void RegisterHandle(Napi::Env env, Napi::Object exports);
void RegisterCreation(Napi::Env env, Napi::Object exports);
void RegisterShapeOps(Napi::Env env, Napi::Object exports);
void RegisterMathOps(Napi::Env env, Napi::Object exports);
void RegisterNNOps(Napi::Env env, Napi::Object exports);
void RegisterAutograd(Napi::Env env, Napi::Object exports);
void RegisterOptimOps(Napi::Env env, Napi::Object exports);
void RegisterDistributed(Napi::Env env, Napi::Object exports);

}  // namespace leanconv
