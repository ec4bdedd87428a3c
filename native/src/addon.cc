// Module entry point and process-wide engine settings: allocator tuning, threads, seeds, build facts.
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <malloc.h>
#include <torch/version.h>

#include <cstdlib>

#include "common.h"

namespace leanconv {

namespace {

// glibc raises its mmap threshold after the first large free, after which large buffers are carved from
// the heap and fragmented by small long-lived allocations. Tensor storage goes through the caching
// allocator (allocator.cc); this keeps glibc's other large allocations (oneDNN scratch, JS buffers) in
// mmap too. LEANCONV_MMAP_THRESHOLD (bytes) overrides it; 0 keeps glibc's dynamic behaviour.
void TuneAllocator() {
  long threshold = 128 * 1024;
  if (const char* env = std::getenv("LEANCONV_MMAP_THRESHOLD")) threshold = std::strtol(env, nullptr, 10);
  if (threshold > 0) mallopt(M_MMAP_THRESHOLD, static_cast<int>(threshold));
}

LC_OP(setNumThreads) {
  int64_t n = I(info, 0);
  if (n < 1) throw ArgumentError("thread count must be >= 1");
  at::set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

LC_OP(getNumThreads) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

LC_OP(manualSeed) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() && !info[0].IsBigInt()) throw ArgumentError("seed must be a number or bigint");
  uint64_t seed;
  if (info[0].IsBigInt()) {
    bool lossless;
    seed = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
  } else {
    seed = static_cast<uint64_t>(I(info, 0));
  }
  at::manual_seed(seed);
  return env.Undefined();
}

// The default CPU generator's full state as a uint8 tensor, for exact resumption.
LC_OP(getRngState) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return Wrap(info.Env(), gen.get_state());
}

LC_OP(setRngState) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(T(info, 0));
  return info.Env().Undefined();
}

LC_OP(isGradEnabled) { return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled()); }

LC_OP(setGradEnabled) {
  at::GradMode::set_enabled(B(info, 0));
  return info.Env().Undefined();
}

LC_OP(buildInfo) {
  Napi::Env env = info.Env();
  auto out = Napi::Object::New(env);
  out.Set("torchVersion", Napi::String::New(env, TORCH_VERSION));
  out.Set("config", Napi::String::New(env, at::show_config()));
  out.Set("parallelInfo", Napi::String::New(env, at::get_parallel_info()));
  out.Set("mkldnn", Napi::Boolean::New(env, at::hasMKLDNN()));
  out.Set("cuda", Napi::Boolean::New(env, at::hasCUDA()));
  out.Set("cudnn", Napi::Boolean::New(env, at::hasCUDA() && at::detail::getCUDAHooks().hasCuDNN()));
  out.Set("cudaDevices", Napi::Number::New(env, at::hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0));
#ifdef LEANCONV_WITH_GLOO
  out.Set("gloo", Napi::Boolean::New(env, true));
#else
  out.Set("gloo", Napi::Boolean::New(env, false));
#endif
  out.Set("threads", Napi::Number::New(env, at::get_num_threads()));
  return out;
}

// Codes of at::ScalarType for the dtypes the TS API exposes; TS never hard-codes enum values.
Napi::Object DTypeCodes(Napi::Env env) {
  auto codes = Napi::Object::New(env);
  auto set = [&](const char* name, at::ScalarType type) { codes.Set(name, Napi::Number::New(env, static_cast<int>(type))); };
  set("float32", at::kFloat);
  set("float64", at::kDouble);
  set("float16", at::kHalf);
  set("bfloat16", at::kBFloat16);
  set("int64", at::kLong);
  set("int32", at::kInt);
  set("int16", at::kShort);
  set("int8", at::kChar);
  set("uint8", at::kByte);
  set("bool", at::kBool);
  return codes;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  TuneAllocator();
  InstallAllocator(env, exports);
  exports.Set("dtypeCodes", DTypeCodes(env));
  LC_EXPORT(exports, setNumThreads);
  LC_EXPORT(exports, getNumThreads);
  LC_EXPORT(exports, manualSeed);
  LC_EXPORT(exports, getRngState);
  LC_EXPORT(exports, setRngState);
  LC_EXPORT(exports, isGradEnabled);
  LC_EXPORT(exports, setGradEnabled);
  LC_EXPORT(exports, buildInfo);
  RegisterHandle(env, exports);
  RegisterCreation(env, exports);
  RegisterShapeOps(env, exports);
  RegisterMathOps(env, exports);
  RegisterNNOps(env, exports);
  RegisterAutograd(env, exports);
  RegisterOptimOps(env, exports);
  RegisterDistributed(env, exports);
  return exports;
}

}  // namespace

}  // namespace leanconv

static Napi::Object InitLeanconv(Napi::Env env, Napi::Object exports) { return leanconv::Init(env, exports); }

NODE_API_MODULE(leanconv_native, InitLeanconv)
