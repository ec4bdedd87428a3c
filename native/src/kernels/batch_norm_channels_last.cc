// Channels-last training-mode batch norm (see kernels.h). A channels-last [N, C, H, W] tensor is a
// row-major [M, C] matrix with M = N·H·W, so every per-channel statistic is a column reduction and every
// elementwise step is a row of per-channel coefficients. Rows are taken k at a time (k·C >= 64 floats),
// which keeps the inner loops long and vectorisable even when C is 12; partial sums are in float over a
// few units, then in double, one buffer per thread chunk, folded at the end.
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels.h"

namespace leanconv {

namespace {

KernelToggle gToggle("channelsLastBatchNorm", "LEANCONV_NATIVE_BATCHNORM");

// How rows are cut into units of k rows and into one chunk per thread.
struct Layout {
  int64_t M, C, k, L;  // rows, channels, rows per unit, floats per unit (k·C)
  int64_t chunks, rowsPerChunk;
  Layout(int64_t rows, int64_t channels) : M(rows), C(channels) {
    k = std::max<int64_t>(1, (64 + C - 1) / C);
    L = k * C;
    const int64_t threads = std::max(1, at::get_num_threads());
    chunks = std::max<int64_t>(1, std::min<int64_t>(threads, M / 256));
    rowsPerChunk = ((M + chunks - 1) / chunks + k - 1) / k * k;
  }
};

// Runs body(rowBegin, rowEnd) on every chunk in parallel; body sees whole units first, then its tail.
template <typename Body>
void ForChunks(const Layout& layout, Body body) {
  at::parallel_for(0, layout.chunks, 1, [&](int64_t first, int64_t last) {
    for (int64_t t = first; t < last; ++t) {
      const int64_t begin = t * layout.rowsPerChunk, end = std::min(layout.M, begin + layout.rowsPerChunk);
      if (begin < end) body(t, begin, end);
    }
  });
}

// Adds per-unit accumulators of every chunk (acc[t][j], j < L) into per-channel totals.
void FoldInto(const Layout& layout, const std::vector<double>& acc, int64_t which, int64_t stride, double* out) {
  std::fill(out, out + layout.C, 0.0);
  for (int64_t t = 0; t < layout.chunks; ++t) {
    const double* a = acc.data() + t * stride + which * layout.L;
    for (int64_t j = 0; j < layout.L; ++j) out[j % layout.C] += a[j];
  }
}

// Per-channel coefficients repeated k times, so a unit is one flat loop.
std::vector<float> Repeat(const Layout& layout, const std::vector<double>& perChannel) {
  std::vector<float> out(layout.L);
  for (int64_t j = 0; j < layout.L; ++j) out[j] = static_cast<float>(perChannel[j % layout.C]);
  return out;
}

// The inner loops, over n contiguous floats of whole rows; compiled for AVX2 and for the baseline, picked
// at load time. Sums run in float over at most kFlushUnits units, then go into the double totals. (An AVX-512
// clone was tried: its fused multiply-adds changed the rounding enough to move the 1- vs 2-process training
// comparison of test/distributed.test.ts from 9e-8 to 1.3e-5 in relative distance.)
#define LC_HOT __attribute__((target_clones("avx2", "default")))
constexpr int64_t kFlushUnits = 16;

// Each takes `units` consecutive blocks of n floats (n = L for whole units, C for a tail row); the
// accumulating ones add block position j into s[j] and q[j].
LC_HOT void AddMoments(const float* __restrict__ x, int64_t units, int64_t n, float* __restrict__ s, float* __restrict__ q) {
  for (int64_t u = 0; u < units; ++u, x += n) {
    for (int64_t j = 0; j < n; ++j) {
      s[j] += x[j];
      q[j] += x[j] * x[j];
    }
  }
}
LC_HOT void AddGradMoments(const float* __restrict__ g, const float* __restrict__ x, const float* __restrict__ y, int64_t units, int64_t n, float* __restrict__ s,
                           float* __restrict__ q) {
  for (int64_t u = 0; u < units; ++u, g += n, x += n) {
    if (y != nullptr) {
      for (int64_t j = 0; j < n; ++j) {
        const float v = y[j] > 0.0f ? g[j] : 0.0f;
        s[j] += v;
        q[j] += v * x[j];
      }
      y += n;
    } else {
      for (int64_t j = 0; j < n; ++j) {
        s[j] += g[j];
        q[j] += g[j] * x[j];
      }
    }
  }
}
LC_HOT void AffineRows(const float* __restrict__ x, float* __restrict__ y, int64_t units, int64_t n, const float* __restrict__ a, const float* __restrict__ b, bool relu) {
  for (int64_t u = 0; u < units; ++u, x += n, y += n) {
    if (relu) {
      for (int64_t j = 0; j < n; ++j) y[j] = std::max(x[j] * a[j] + b[j], 0.0f);
    } else {
      for (int64_t j = 0; j < n; ++j) y[j] = x[j] * a[j] + b[j];
    }
  }
}
LC_HOT void InputGradRows(const float* __restrict__ g, const float* __restrict__ x, const float* __restrict__ y, float* __restrict__ dx, int64_t units, int64_t n,
                          const float* __restrict__ a, const float* __restrict__ b, const float* __restrict__ c) {
  for (int64_t u = 0; u < units; ++u, g += n, x += n, dx += n) {
    if (y != nullptr) {
      for (int64_t j = 0; j < n; ++j) dx[j] = (y[j] > 0.0f ? g[j] : 0.0f) * a[j] + x[j] * b[j] + c[j];
      y += n;
    } else {
      for (int64_t j = 0; j < n; ++j) dx[j] = g[j] * a[j] + x[j] * b[j] + c[j];
    }
  }
}

// Two per-channel sums over all rows: add(offset, units, n, s, q) accumulates `units` blocks of n floats
// from element `offset` on into s and q (float, per unit position); totals come back per channel in double.
template <typename Add>
void ColumnSums(const Layout& layout, Add add, std::vector<double>& first, std::vector<double>& second) {
  const int64_t L = layout.L, C = layout.C, stride = 2 * L;
  std::vector<double> acc(layout.chunks * stride, 0.0);
  ForChunks(layout, [&](int64_t t, int64_t begin, int64_t end) {
    double* total = acc.data() + t * stride;
    std::vector<float> part(stride, 0.0f);
    auto flush = [&] {
      for (int64_t j = 0; j < stride; ++j) total[j] += part[j];
      std::fill(part.begin(), part.end(), 0.0f);
    };
    int64_t row = begin;
    while (row + layout.k <= end) {
      const int64_t units = std::min(kFlushUnits, (end - row) / layout.k);
      add(row * C, units, L, part.data(), part.data() + L);
      flush();
      row += units * layout.k;
    }
    if (row < end) add(row * C, end - row, C, part.data(), part.data() + L);
    flush();
  });
  first.resize(C);
  second.resize(C);
  FoldInto(layout, acc, 0, stride, first.data());
  FoldInto(layout, acc, 1, stride, second.data());
}

// Σx and Σx² per channel.
void Moments(const float* x, const Layout& layout, std::vector<double>& sum, std::vector<double>& sumSq) {
  ColumnSums(
      layout, [&](int64_t offset, int64_t units, int64_t n, float* s, float* q) { AddMoments(x + offset, units, n, s, q); },
      sum, sumSq);
}

// Σg and Σg·x per channel, where g is the incoming gradient masked by y > 0 when relu.
void GradMoments(const float* g, const float* x, const float* y, const Layout& layout, std::vector<double>& sumG,
                 std::vector<double>& sumGX) {
  ColumnSums(
      layout,
      [&](int64_t offset, int64_t units, int64_t n, float* s, float* q) {
        AddGradMoments(g + offset, x + offset, y != nullptr ? y + offset : nullptr, units, n, s, q);
      },
      sumG, sumGX);
}

// Runs rows(offset, units, n) over every chunk's whole units, then over its tail rows, in parallel.
template <typename Rows>
void ForRows(const Layout& layout, Rows rows) {
  ForChunks(layout, [&](int64_t, int64_t begin, int64_t end) {
    const int64_t units = (end - begin) / layout.k, tail = begin + units * layout.k;
    if (units > 0) rows(begin * layout.C, units, layout.L);
    if (tail < end) rows(tail * layout.C, end - tail, layout.C);
  });
}

// y = a·x + b per channel, then max(y, 0) when relu.
void Affine(const float* x, float* y, const Layout& layout, const std::vector<float>& a, const std::vector<float>& b,
            bool relu) {
  ForRows(layout, [&](int64_t offset, int64_t units, int64_t n) {
    AffineRows(x + offset, y + offset, units, n, a.data(), b.data(), relu);
  });
}

// dx = a·g + b·x + c per channel (g masked by y > 0 when relu).
void InputGrad(const float* g, const float* x, const float* y, float* dx, const Layout& layout,
               const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>& c) {
  ForRows(layout, [&](int64_t offset, int64_t units, int64_t n) {
    InputGradRows(g + offset, x + offset, y != nullptr ? y + offset : nullptr, dx + offset, units, n, a.data(),
                  b.data(), c.data());
  });
}

bool Present(const at::Tensor& t) { return t.defined() && t.numel() > 0; }

// A per-channel parameter or statistic as C doubles (fallback where absent), read in place when it is a
// contiguous float tensor: these run once per BN per step, where every extra op is overhead.
std::vector<double> PerChannel(const at::Tensor& t, int64_t C, double fallback) {
  std::vector<double> out(C, fallback);
  if (!Present(t)) return out;
  if (t.scalar_type() == at::kFloat && t.is_contiguous()) {
    const float* v = t.data_ptr<float>();
    std::copy(v, v + C, out.begin());
    return out;
  }
  const at::Tensor f = t.detach().to(at::kDouble).contiguous();
  std::memcpy(out.data(), f.data_ptr<double>(), C * sizeof(double));
  return out;
}

at::Tensor ToTensor(const std::vector<double>& values, const at::Tensor& like) {
  if (like.scalar_type() == at::kFloat) {
    at::Tensor out = at::empty({static_cast<int64_t>(values.size())}, like.options().memory_format(at::MemoryFormat::Contiguous));
    std::copy(values.begin(), values.end(), out.data_ptr<float>());
    return out;
  }
  return at::tensor(values, at::TensorOptions().dtype(at::kDouble)).to(like.scalar_type());
}

// running = (1 − momentum)·running + momentum·batch, as libtorch's mul_ then add_ (in float for float statistics).
void UpdateRunning(const at::Tensor& running, const std::vector<double>& batch, double momentum) {
  if (running.scalar_type() == at::kFloat && running.is_contiguous()) {
    float* r = running.data_ptr<float>();
    const float keep = static_cast<float>(1 - momentum), take = static_cast<float>(momentum);
    for (size_t c = 0; c < batch.size(); ++c) r[c] = r[c] * keep + static_cast<float>(batch[c]) * take;
    running.unsafeGetTensorImpl()->bump_version();  // an in-place write, as mul_ and add_ record it
    return;
  }
  running.mul_(1 - momentum).add_(ToTensor(batch, running), momentum);
}

struct ChannelsLastBatchNormFunction : public torch::autograd::Function<ChannelsLastBatchNormFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weight,
                            const at::Tensor& bias, const at::Tensor& runningMean, const at::Tensor& runningVar,
                            double momentum, double eps, bool relu) {
    const int64_t C = input.size(1), M = input.numel() / C;
    const Layout layout(M, C);
    const float* x = input.data_ptr<float>();
    std::vector<double> sum, sumSq;
    Moments(x, layout, sum, sumSq);
    std::vector<double> mean(C), invStd(C), scale(C), shift(C), var(C);
    const std::vector<double> w = PerChannel(weight, C, 1.0), b = PerChannel(bias, C, 0.0);
    for (int64_t c = 0; c < C; ++c) {
      mean[c] = sum[c] / M;
      var[c] = std::max(sumSq[c] / M - mean[c] * mean[c], 0.0);
      invStd[c] = 1.0 / std::sqrt(var[c] + eps);
      scale[c] = w[c] * invStd[c];
      shift[c] = b[c] - mean[c] * scale[c];
    }
    at::Tensor output = at::empty_like(input, at::MemoryFormat::ChannelsLast);
    Affine(x, output.data_ptr<float>(), layout, Repeat(layout, scale), Repeat(layout, shift), relu);
    if (Present(runningMean)) UpdateRunning(runningMean, mean, momentum);
    if (Present(runningVar)) {
      std::vector<double> unbiased(C);
      for (int64_t c = 0; c < C; ++c) unbiased[c] = var[c] * M / std::max<int64_t>(M - 1, 1);
      UpdateRunning(runningVar, unbiased, momentum);
    }
    ctx->save_for_backward({input, weight, relu ? output : at::Tensor()});
    ctx->saved_data["mean"] = mean;
    ctx->saved_data["invStd"] = invStd;
    ctx->saved_data["relu"] = relu;
    return output;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list gradOutputs) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& input = saved[0];
    const at::Tensor& weight = saved[1];
    const bool relu = ctx->saved_data["relu"].toBool();
    if (!gradOutputs[0].defined()) return torch::autograd::variable_list(8);
    const at::Tensor gradOut = gradOutputs[0].contiguous(at::MemoryFormat::ChannelsLast);
    const int64_t C = input.size(1), M = input.numel() / C;
    const Layout layout(M, C);
    const std::vector<double> mean = ctx->saved_data["mean"].toDoubleVector();
    const std::vector<double> invStd = ctx->saved_data["invStd"].toDoubleVector();
    const std::vector<double> w = PerChannel(weight, C, 1.0);
    const float* x = input.data_ptr<float>();
    const float* g = gradOut.data_ptr<float>();
    const float* y = relu ? saved[2].data_ptr<float>() : nullptr;
    std::vector<double> sumG, sumGX;
    GradMoments(g, x, y, layout, sumG, sumGX);
    // dot_c = Σ g·(x − mean); dx = w·invStd·(g − Σg/M − (x − mean)·invStd²·dot/M) = a·g + b·x + c.
    std::vector<double> dot(C), a(C), bx(C), c0(C), gradWeight(C);
    for (int64_t c = 0; c < C; ++c) {
      dot[c] = sumGX[c] - mean[c] * sumG[c];
      a[c] = w[c] * invStd[c];
      bx[c] = -w[c] * invStd[c] * invStd[c] * invStd[c] * dot[c] / M;
      c0[c] = -a[c] * sumG[c] / M - bx[c] * mean[c];
      gradWeight[c] = dot[c] * invStd[c];
    }
    at::Tensor gradInput;
    if (ctx->needs_input_grad(0)) {
      gradInput = at::empty_like(input, at::MemoryFormat::ChannelsLast);
      InputGrad(g, x, y, gradInput.data_ptr<float>(), layout, Repeat(layout, a), Repeat(layout, bx), Repeat(layout, c0));
    }
    at::Tensor gradW = Present(weight) && ctx->needs_input_grad(1) ? ToTensor(gradWeight, weight) : at::Tensor();
    at::Tensor gradB = ctx->needs_input_grad(2) ? ToTensor(sumG, input) : at::Tensor();
    return {gradInput, gradW, gradB, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// A float32 CPU tensor whose layout is channels-last and not also NCHW (those go to libtorch's NCHW path).
bool ChannelsLastOnly(const at::Tensor& input) {
  return input.dim() == 4 && input.device().is_cpu() && input.scalar_type() == at::kFloat &&
         input.is_contiguous(at::MemoryFormat::ChannelsLast) && !input.is_contiguous();
}

}  // namespace

bool ChannelsLastBatchNormApplies(const at::Tensor& input, bool training) {
  return gToggle.enabled() && training && ChannelsLastOnly(input) && input.numel() / input.size(1) > 1;
}

bool ChannelsLastBatchNormInferenceApplies(const at::Tensor& input, bool training, const at::Tensor& weight,
                                           const at::Tensor& bias, const at::Tensor& runningMean,
                                           const at::Tensor& runningVar) {
  if (!gToggle.enabled() || training || !ChannelsLastOnly(input) || !Present(runningMean) || !Present(runningVar)) return false;
  // With a gradient to record, libtorch's op builds the autograd graph.
  return !AnyRecordsGradient(input, weight, bias);
}

at::Tensor ChannelsLastBatchNormInference(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                                          const at::Tensor& runningMean, const at::Tensor& runningVar, double eps,
                                          bool relu) {
  RECORD_FUNCTION("leanconv::batch_norm_inference", std::vector<c10::IValue>());  // named in op profiles
  gToggle.countRun();
  const int64_t C = input.size(1), M = input.numel() / C;
  const Layout layout(M, C);
  const std::vector<double> w = PerChannel(weight, C, 1.0), b = PerChannel(bias, C, 0.0);
  const std::vector<double> mean = PerChannel(runningMean, C, 0.0), var = PerChannel(runningVar, C, 1.0);
  std::vector<double> scale(C), shift(C);
  for (int64_t c = 0; c < C; ++c) {
    scale[c] = w[c] / std::sqrt(var[c] + eps);
    shift[c] = b[c] - mean[c] * scale[c];
  }
  at::Tensor output = at::empty_like(input, at::MemoryFormat::ChannelsLast);
  Affine(input.data_ptr<float>(), output.data_ptr<float>(), layout, Repeat(layout, scale), Repeat(layout, shift), relu);
  return output;
}

at::Tensor ChannelsLastBatchNorm(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                                 const at::Tensor& runningMean, const at::Tensor& runningVar, double momentum,
                                 double eps, bool relu) {
  RECORD_FUNCTION("leanconv::batch_norm", std::vector<c10::IValue>());  // named in op profiles
  // libtorch 1.13's custom functions cannot take undefined tensors (it reads every input's device), so an
  // absent weight, bias or running statistic travels as an empty tensor and is treated as absent.
  gToggle.countRun();
  const auto orEmpty = [&](const at::Tensor& t) { return t.defined() ? t : at::empty({0}, input.options()); };
  return ChannelsLastBatchNormFunction::apply(input, orEmpty(weight), orEmpty(bias), orEmpty(runningMean),
                                              orEmpty(runningVar), momentum, eps, relu);
}

KernelToggle& ChannelsLastBatchNormToggle() { return gToggle; }

}  // namespace leanconv
