// Tensor handles (napi externals owning one at::Tensor reference), argument conversion, and the
// functions that inspect or move a tensor's data as a whole.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "common.h"

namespace leanconv {

namespace {

int64_t liveHandles = 0;
int64_t collectedHandles = 0;  // freed by the GC safety net instead of dispose(): leaks in the caller
int64_t accountedBytes = 0;    // bytes of storage the live handles own
int64_t reportedBytes = 0;     // what V8 has been told (AdjustExternalMemory)
int64_t collectedBytes = 0;    // freed by finalizers since the last report: V8's collection did free them
std::chrono::steady_clock::time_point lowSince{};  // since when the live bytes stayed well below the report
bool low = false;

constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kSlack = 64 * kMiB;              // a drop this large may be lasting: report it ...
constexpr auto kSettle = std::chrono::seconds(5);  // ... once it has lasted this long

// What V8 is told about native memory, so that the collector is a backstop for forgotten tensors, not
// a participant in every training step. V8 starts a full collection whenever the external memory it
// was told about grows 64 MB past its level at the last collection. A training step creates its
// activations and disposes them again, so reporting every rise and fall made V8 collect several times
// per step (issue 12: about 4 full mark-compacts per ResNet-20 step at batch 128). Instead:
// - growth beyond what V8 already knows is reported (in MiB batches), so undisposed tensors still
//   raise pressure and get collected;
// - memory the collector's finalizers freed is reported as freed, so a leak cannot ratchet the level up;
// - memory freed by dispose() is reported only once it has stayed freed for kSettle: the next step
//   would reach the same peak again within that time.
// Only called from ordinary JS calls: V8 must not be re-entered from inside a garbage collection.
// LEANCONV_EXTERNAL_MEMORY=eager restores the old policy (every change reported), for comparisons.
const bool kEagerReports = [] {
  const char* env = std::getenv("LEANCONV_EXTERNAL_MEMORY");
  return env != nullptr && std::string(env) == "eager";
}();

void FlushExternalMemory(Napi::BasicEnv env) {
  int64_t delta = 0;
  if (kEagerReports) {
    if (accountedBytes > reportedBytes + kMiB || accountedBytes < reportedBytes - kMiB) delta = accountedBytes - reportedBytes;
  } else if (accountedBytes > reportedBytes + kMiB) {
    delta = accountedBytes - reportedBytes;
  } else if (collectedBytes > kMiB) {
    delta = -std::min(collectedBytes, std::max<int64_t>(reportedBytes - accountedBytes, 0));
  } else if (accountedBytes < reportedBytes - kSlack) {
    const auto now = std::chrono::steady_clock::now();
    if (!low) {
      low = true;
      lowSince = now;
    } else if (now - lowSince > kSettle) {
      delta = accountedBytes - reportedBytes;
    }
  } else {
    low = false;
  }
  if (delta != 0 || collectedBytes > kMiB) collectedBytes = 0;  // reported, or already below what V8 knows
  if (delta == 0) return;
  low = false;
  reportedBytes += delta;
  Napi::MemoryManagement::AdjustExternalMemory(env, delta);
}

void Forget(Handle* handle) {
  if (!handle->tensor.defined()) return;
  handle->tensor.reset();
  --liveHandles;
  accountedBytes -= handle->accountedBytes;
  handle->accountedBytes = 0;
}

// A basic finalizer: it touches no JS state, so Node runs it during garbage collection itself instead of
// queueing it for the event loop, which a synchronous training loop never reaches.
void Finalize(Napi::BasicEnv, Handle* handle) {
  if (handle->tensor.defined()) {
    ++collectedHandles;
    collectedBytes += handle->accountedBytes;
  }
  Forget(handle);
  delete handle;
}

Handle* HandleOf(const Napi::Value& value) {
  if (!value.IsExternal()) throw ArgumentError("expected a tensor");
  return value.As<Napi::External<Handle>>().Data();
}

}  // namespace

Napi::Value Wrap(Napi::Env env, at::Tensor tensor) {
  if (!tensor.defined()) return env.Undefined();
  auto* handle = new Handle{std::move(tensor), 0};
  // Views share their base's storage; count only tensors that own fresh storage so the collector
  // sees roughly the native bytes that collecting this wrapper could free. Device memory is left out:
  // it does not press on V8's heap, and reporting it made V8 run several full collections per CUDA
  // training step (issue 15's measurement); deterministic disposal frees it.
  if (!handle->tensor.is_view() && handle->tensor.device().is_cpu()) {
    handle->accountedBytes = static_cast<int64_t>(handle->tensor.nbytes());
  }
  ++liveHandles;
  accountedBytes += handle->accountedBytes;
  auto external = Napi::External<Handle>::New(env, handle, Finalize);
  FlushExternalMemory(env);
  return external;
}

Napi::Value WrapList(Napi::Env env, const std::vector<at::Tensor>& tensors) {
  auto array = Napi::Array::New(env, tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) array.Set(static_cast<uint32_t>(i), Wrap(env, tensors[i]));
  return array;
}

at::Tensor& Unwrap(const Napi::Value& value) {
  Handle* handle = HandleOf(value);
  if (!handle->tensor.defined()) throw ArgumentError("tensor has been disposed");
  return handle->tensor;
}

void Release(Napi::Env env, Handle* handle) {
  Forget(handle);
  FlushExternalMemory(env);
}

int64_t LiveHandleCount() { return liveHandles; }
int64_t CollectedHandleCount() { return collectedHandles; }
int64_t AccountedBytes() { return accountedBytes; }

// --- argument conversion -------------------------------------------------------------------------------

c10::optional<at::Tensor> OptT(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return c10::nullopt;
  return Unwrap(info[i]);
}

std::vector<at::Tensor> TList(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsArray()) throw ArgumentError("expected an array of tensors");
  auto array = info[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(array.Length());
  for (uint32_t k = 0; k < array.Length(); ++k) out.push_back(Unwrap(array.Get(k)));
  return out;
}

int64_t I(const Napi::CallbackInfo& info, size_t i) {
  Napi::Value v = info[i];  // undefined past the end
  if (!v.IsNumber()) throw ArgumentError("argument " + std::to_string(i) + " must be an integer");
  double d = v.As<Napi::Number>().DoubleValue();
  if (std::floor(d) != d) throw ArgumentError("argument " + std::to_string(i) + " must be an integer, got " + std::to_string(d));
  return static_cast<int64_t>(d);
}

c10::optional<int64_t> OptI(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return c10::nullopt;
  return I(info, i);
}

double D(const Napi::CallbackInfo& info, size_t i) {
  Napi::Value v = info[i];  // undefined past the end
  if (!v.IsNumber()) throw ArgumentError("argument " + std::to_string(i) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

c10::optional<double> OptD(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return c10::nullopt;
  return D(info, i);
}

bool B(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return false;
  return info[i].ToBoolean().Value();
}

std::vector<int64_t> IList(const Napi::CallbackInfo& info, size_t i) {
  Napi::Value v = info[i];  // undefined past the end
  if (v.IsNumber()) return {I(info, i)};
  if (!v.IsArray()) throw ArgumentError("argument " + std::to_string(i) + " must be an array of integers");
  auto array = v.As<Napi::Array>();
  std::vector<int64_t> out(array.Length());
  for (uint32_t k = 0; k < array.Length(); ++k) {
    Napi::Value e = array.Get(k);
    if (!e.IsNumber()) throw ArgumentError("argument " + std::to_string(i) + " must be an array of integers");
    double d = e.As<Napi::Number>().DoubleValue();
    if (std::floor(d) != d) throw ArgumentError("argument " + std::to_string(i) + " must contain integers only");
    out[k] = static_cast<int64_t>(d);
  }
  return out;
}

at::Scalar S(const Napi::CallbackInfo& info, size_t i) {
  Napi::Value v = info[i];  // undefined past the end
  if (v.IsBoolean()) return at::Scalar(v.As<Napi::Boolean>().Value());
  if (!v.IsNumber()) throw ArgumentError("argument " + std::to_string(i) + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  // JS has one number type; an integral value behaves like a Python int so int tensors stay int.
  if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9007199254740992.0) {
    return at::Scalar(static_cast<int64_t>(d));
  }
  return at::Scalar(d);
}

at::ScalarType DType(const Napi::CallbackInfo& info, size_t i) {
  int64_t code = I(info, i);
  if (code < 0 || code >= static_cast<int64_t>(at::ScalarType::NumOptions)) throw ArgumentError("unknown dtype code");
  return static_cast<at::ScalarType>(code);
}

c10::optional<at::ScalarType> OptDType(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return c10::nullopt;
  return DType(info, i);
}

at::Device Dev(const Napi::CallbackInfo& info, size_t i) {
  if (IsMissing(info, i)) return at::Device(at::kCPU);
  std::string name = Str(info, i);
  at::Device device(name);  // throws c10::Error on a malformed name
  if (device.is_cuda() && !at::hasCUDA()) {
    throw ArgumentError("device '" + name + "' requested, but this libtorch was built without CUDA");
  }
  return device;
}

std::string Str(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsString()) throw ArgumentError("argument " + std::to_string(i) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

Napi::Value IntArray(Napi::Env env, at::IntArrayRef values) {
  auto array = Napi::Array::New(env, values.size());
  for (size_t k = 0; k < values.size(); ++k) array.Set(static_cast<uint32_t>(k), Napi::Number::New(env, static_cast<double>(values[k])));
  return array;
}

// --- whole-tensor functions ------------------------------------------------------------------------------

LC_OP(dispose) {
  Release(info.Env(), HandleOf(info[0]));
  return info.Env().Undefined();
}

LC_OP(isDisposed) { return Napi::Boolean::New(info.Env(), !HandleOf(info[0])->tensor.defined()); }

// [shape, dtype code, device string]: one call fetches what the TS wrapper caches.
LC_OP(meta) {
  Napi::Env env = info.Env();
  const at::Tensor& t = T(info, 0);
  auto out = Napi::Array::New(env, 3);
  out.Set(0u, IntArray(env, t.sizes()));
  out.Set(1u, Napi::Number::New(env, static_cast<int>(t.scalar_type())));
  out.Set(2u, Napi::String::New(env, t.device().str()));
  return out;
}

LC_OP(strides) { return IntArray(info.Env(), T(info, 0).strides()); }
// The autograd version counter: bumped by every in-place change (ops, optimizer steps, copy_, setData_).
LC_OP(version) { return Napi::Number::New(info.Env(), static_cast<double>(T(info, 0)._version())); }
LC_OP(isContiguous) { return Napi::Boolean::New(info.Env(), T(info, 0).is_contiguous()); }

LC_OP(item) {
  Napi::Env env = info.Env();
  const at::Tensor& t = T(info, 0);
  at::Scalar s = t.item();
  if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
  return Napi::Number::New(env, s.toDouble());
}

// Copies a tensor's elements, in row-major order, into a new ArrayBuffer.
LC_OP(toBytes) {
  Napi::Env env = info.Env();
  at::Tensor t = T(info, 0).detach().to(at::kCPU).contiguous();
  size_t n = t.nbytes();
  auto buffer = Napi::ArrayBuffer::New(env, n);
  if (n > 0) std::memcpy(buffer.Data(), t.data_ptr(), n);
  return buffer;
}

// fromBytes(bytes: ArrayBufferView, dtype, shape, device?): a new tensor holding a copy of the bytes.
LC_OP(fromBytes) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray() && !info[0].IsDataView() && !info[0].IsBuffer()) {
    throw ArgumentError("expected a typed array or buffer");
  }
  const uint8_t* data;
  size_t length;
  if (info[0].IsDataView()) {
    auto view = info[0].As<Napi::DataView>();
    data = static_cast<const uint8_t*>(view.Data());
    length = view.ByteLength();
  } else {
    auto view = info[0].As<Napi::TypedArray>();
    data = static_cast<const uint8_t*>(view.ArrayBuffer().Data()) + view.ByteOffset();
    length = view.ByteLength();
  }
  at::ScalarType dtype = DType(info, 1);
  std::vector<int64_t> shape = IList(info, 2);
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype));
  if (t.nbytes() != length) {
    throw ArgumentError("byte length " + std::to_string(length) + " does not match shape and dtype (" +
                        std::to_string(t.nbytes()) + " bytes expected)");
  }
  if (length > 0) std::memcpy(t.data_ptr(), data, length);
  if (!IsMissing(info, 3)) t = t.to(Dev(info, 3));
  return Wrap(env, t);
}

LC_OP(format) {
  std::ostringstream out;
  out << T(info, 0);
  return Napi::String::New(info.Env(), out.str());
}

LC_OP(liveTensors) { return Napi::Number::New(info.Env(), static_cast<double>(LiveHandleCount())); }
LC_OP(collectedTensors) { return Napi::Number::New(info.Env(), static_cast<double>(CollectedHandleCount())); }
LC_OP(nativeBytes) { return Napi::Number::New(info.Env(), static_cast<double>(AccountedBytes())); }
LC_OP(reportedExternalBytes) { return Napi::Number::New(info.Env(), static_cast<double>(reportedBytes)); }

void RegisterHandle(Napi::Env env, Napi::Object exports) {
  LC_EXPORT(exports, dispose);
  LC_EXPORT(exports, isDisposed);
  LC_EXPORT(exports, meta);
  LC_EXPORT(exports, strides);
  LC_EXPORT(exports, isContiguous);
  LC_EXPORT(exports, item);
  LC_EXPORT(exports, toBytes);
  LC_EXPORT(exports, fromBytes);
  LC_EXPORT(exports, format);
  LC_EXPORT(exports, liveTensors);
  LC_EXPORT(exports, version);
  LC_EXPORT(exports, collectedTensors);
  LC_EXPORT(exports, nativeBytes);
  LC_EXPORT(exports, reportedExternalBytes);
}

}  // namespace leanconv
