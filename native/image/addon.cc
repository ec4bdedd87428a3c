// leanconv_image: the image codec the data loaders call (no libtorch): a JPEG's header, a crop of an image (a JPEG's
// bytes, or 8-bit RGB pixels another decoder produced) resampled straight into a batch of floats, and a window of an
// in-memory 8-bit image (Fashion-MNIST, CIFAR) copied into one.
// Calls are synchronous: loader worker threads make them, one sample at a time.
#include <napi.h>

#include <string>

#include "jpeg_region.h"
#include "resample.h"

namespace leanconv_image {
namespace {

Box boxArg(const Napi::Value& v) {
  auto a = v.As<Napi::Float64Array>();
  if (a.ElementLength() != 4) throw Napi::TypeError::New(v.Env(), "box: [top, left, height, width]");
  Box box{a[0], a[1], a[2], a[3]};
  if (!(box.height > 0 && box.width > 0)) throw Napi::RangeError::New(v.Env(), "box: height and width must be positive");
  return box;
}

// Arguments from index `i`: outHeight, outWidth, flip, mean (Float32Array | null), std, out (Float32Array), offset.
OutputSpec outputArgs(const Napi::CallbackInfo& info, size_t i) {
  Napi::Env env = info.Env();
  OutputSpec out{};
  out.height = info[i].As<Napi::Number>().Int32Value();
  out.width = info[i + 1].As<Napi::Number>().Int32Value();
  out.flip = info[i + 2].As<Napi::Boolean>().Value();
  if (out.height < 1 || out.width < 1 || static_cast<int64_t>(out.height) * out.width > (1 << 26)) {
    throw Napi::RangeError::New(env, "output size must be 1 to 2^26 pixels");
  }
  if (!info[i + 3].IsNull()) {
    auto mean = info[i + 3].As<Napi::Float32Array>();
    auto stdev = info[i + 4].As<Napi::Float32Array>();
    if (mean.ElementLength() != 3 || stdev.ElementLength() != 3) throw Napi::TypeError::New(env, "mean and std need 3 entries");
    out.mean = mean.Data();
    out.stdev = stdev.Data();
  }
  auto dest = info[i + 5].As<Napi::Float32Array>();
  const int64_t offset = info[i + 6].As<Napi::Number>().Int64Value();
  if (offset < 0 || offset + 3LL * out.height * out.width > static_cast<int64_t>(dest.ElementLength())) {
    throw Napi::RangeError::New(env, "the output does not fit in the batch buffer at that offset");
  }
  out.out = dest.Data() + offset;
  return out;
}

Napi::Value JpegInfoOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = info[0].As<Napi::Uint8Array>();
  if (!isJpeg(bytes.Data(), bytes.ByteLength())) return env.Null();
  try {
    const JpegInfo j = readJpegInfo(bytes.Data(), bytes.ByteLength());
    auto result = Napi::Object::New(env);
    result.Set("width", j.width);
    result.Set("height", j.height);
    result.Set("components", j.components);
    result.Set("rgb", j.rgbOutput);
    return result;
  } catch (const JpegError& e) {
    throw Napi::Error::New(env, "cannot decode JPEG (" + e.message + ")");
  }
}

// decodeJpegInto(bytes, box, clampToBox, outHeight, outWidth, flip, mean, std, out, offset)
Napi::Value DecodeJpegInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = info[0].As<Napi::Uint8Array>();
  const Box box = boxArg(info[1]);
  const bool clamp = info[2].As<Napi::Boolean>().Value();
  const OutputSpec out = outputArgs(info, 3);
  try {
    decodeJpegRegion(bytes.Data(), bytes.ByteLength(), box, clamp, out);
  } catch (const JpegError& e) {
    throw Napi::Error::New(env, "cannot decode JPEG (" + e.message + ")");
  }
  return env.Undefined();
}

// resampleInto(rgb, width, height, box, clampToBox, outHeight, outWidth, flip, mean, std, out, offset)
Napi::Value ResampleInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pixels = info[0].As<Napi::Uint8Array>();
  const int width = info[1].As<Napi::Number>().Int32Value();
  const int height = info[2].As<Napi::Number>().Int32Value();
  if (width < 1 || height < 1 || static_cast<int64_t>(width) * height * 3 != static_cast<int64_t>(pixels.ByteLength())) {
    throw Napi::RangeError::New(env, "pixels must be width x height x 3 bytes");
  }
  const Box box = boxArg(info[3]);
  const bool clamp = info[4].As<Napi::Boolean>().Value();
  const OutputSpec out = outputArgs(info, 5);
  prepareResample(box, boundsFor(box, clamp, height, width), out.height, out.width);
  resampleRgb(pixels.Data(), 0, height, 0, width, width * 3, out);
  return env.Undefined();
}

// cropPlanarInto(pixels, channels, height, width, top, left, outChannels, outHeight, outWidth, flip, mean, std, out, offset):
// copyPlanarWindow (resample.h) into the batch buffer at `offset`.
Napi::Value CropPlanarInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pixels = info[0].As<Napi::Uint8Array>();
  const int channels = info[1].As<Napi::Number>().Int32Value();
  const int height = info[2].As<Napi::Number>().Int32Value();
  const int width = info[3].As<Napi::Number>().Int32Value();
  const int top = info[4].As<Napi::Number>().Int32Value();
  const int left = info[5].As<Napi::Number>().Int32Value();
  const int out_channels = info[6].As<Napi::Number>().Int32Value();
  const int oh = info[7].As<Napi::Number>().Int32Value();
  const int ow = info[8].As<Napi::Number>().Int32Value();
  const bool flip = info[9].As<Napi::Boolean>().Value();
  if (channels < 1 || height < 1 || width < 1 || static_cast<int64_t>(channels) * height * width != static_cast<int64_t>(pixels.ByteLength())) {
    throw Napi::RangeError::New(env, "pixels must be channels x height x width bytes");
  }
  if (!(out_channels == channels || (channels == 1 && out_channels == 3)) || oh < 1 || ow < 1) {
    throw Napi::RangeError::New(env, "bad output shape");
  }
  PlanarWindow window{top, left, out_channels, oh, ow, flip, nullptr, nullptr, nullptr};
  if (!info[10].IsNull()) {
    auto m = info[10].As<Napi::Float64Array>();
    auto sd = info[11].As<Napi::Float64Array>();
    if (static_cast<int>(m.ElementLength()) != out_channels || static_cast<int>(sd.ElementLength()) != out_channels) {
      throw Napi::TypeError::New(env, "mean and std need one entry per output channel");
    }
    window.mean = m.Data();
    window.stdev = sd.Data();
  }
  auto dest = info[12].As<Napi::Float32Array>();
  const int64_t offset = info[13].As<Napi::Number>().Int64Value();
  if (offset < 0 || offset + static_cast<int64_t>(out_channels) * oh * ow > static_cast<int64_t>(dest.ElementLength())) {
    throw Napi::RangeError::New(env, "the output does not fit in the batch buffer at that offset");
  }
  window.out = dest.Data() + offset;
  copyPlanarWindow(pixels.Data(), channels, height, width, window);
  return env.Undefined();
}

}  // namespace
}  // namespace leanconv_image

static Napi::Object InitImageAddon(Napi::Env env, Napi::Object exports) {
  using namespace leanconv_image;
  exports.Set("jpegInfo", Napi::Function::New(env, JpegInfoOf));
  exports.Set("decodeJpegInto", Napi::Function::New(env, DecodeJpegInto));
  exports.Set("resampleInto", Napi::Function::New(env, ResampleInto));
  exports.Set("cropPlanarInto", Napi::Function::New(env, CropPlanarInto));
  return exports;
}

NODE_API_MODULE(leanconv_image, InitImageAddon)
