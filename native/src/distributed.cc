// Distributed training on libtorch's c10d: rendezvous on a TCPStore, a Gloo process group, the collectives
// the TS layer needs, a differentiable all-reduce (SyncBatchNorm) and a gradient reducer that all-reduces
// gradients in buckets while backward is still running, as DDP's Reducer does.
//
// Why not c10d::Reducer itself: its header includes the RPC framework's distributed-autograd headers,
// which Debian's libtorch-dev does not ship; the reducer below does the same work with the same ordering
// rules (buckets in reverse parameter order, launched strictly in bucket order on every rank).
//
// There is one process group per process (torch.distributed's default group). Collectives block the
// calling thread; Gloo reports a peer that died as an error in the waiting call, and every wait is
// bounded by the group's timeout, so a lost worker never hangs the others.
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/autograd/engine.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef LEANCONV_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif

#include <map>
#include <memory>

#include "common.h"

namespace leanconv {

namespace {

// The object that runs collectives: a ProcessGroup in libtorch 1.13, a Backend behind it in 2.x.
#if LEANCONV_TORCH_AT_LEAST(2, 0)
using CollectiveGroup = c10d::Backend;
#else
using CollectiveGroup = c10d::ProcessGroup;
#endif

c10::intrusive_ptr<c10d::Store> gStore;
c10::intrusive_ptr<CollectiveGroup> gGroup;

CollectiveGroup& Group() {
  if (!gGroup) throw ArgumentError("no process group: call initProcessGroup first");
  return *gGroup;
}

c10d::ReduceOp ParseReduceOp(const std::string& name) {
  if (name == "sum") return c10d::ReduceOp::SUM;
  if (name == "max") return c10d::ReduceOp::MAX;
  if (name == "min") return c10d::ReduceOp::MIN;
  if (name == "product") return c10d::ReduceOp::PRODUCT;
  throw ArgumentError("unknown reduce op '" + name + "' (sum, max, min, product)");
}

// The group's own timeout bounds the wait. Gloo's error (a peer gone, a timeout) says what broke at the
// socket level; the message adds what it means for the run.
void Wait(const c10::intrusive_ptr<c10d::Work>& work) {
  try {
    work->wait();
  } catch (const std::exception& e) {
    std::string what = e.what();
    if (const auto* c10 = dynamic_cast<const c10::Error*>(&e)) what = c10->what_without_backtrace();
    throw std::runtime_error("lost contact with the other workers (rank " + std::to_string(gGroup->getRank()) + " of " +
                             std::to_string(gGroup->getSize()) + "; a worker stopped or a collective timed out): " + what);
  }
}

// Gloo needs dense contiguous buffers. Tensors of one dtype are packed into one flat buffer so that a
// model's parameters cross the wire as one message, then unpacked in place (views, channels-last and
// parameters that require grad included).
template <typename Collective>
void Coalesced(std::vector<at::Tensor>& tensors, Collective&& collective) {
  at::NoGradGuard noGrad;
  std::map<at::ScalarType, std::vector<at::Tensor*>> byType;
  for (auto& t : tensors) byType[t.scalar_type()].push_back(&t);
  for (auto& [type, members] : byType) {
    std::vector<at::Tensor> flats;
    for (auto* t : members) flats.push_back(t->detach().reshape({-1}));
    std::vector<at::Tensor> buffer{at::cat(flats)};
    collective(buffer);
    int64_t offset = 0;
    for (auto* t : members) {
      const int64_t n = t->numel();
      t->detach().copy_(buffer[0].narrow(0, offset, n).view(t->sizes()));
      offset += n;
    }
  }
}

void AllReduceInPlace(std::vector<at::Tensor>& tensors, c10d::ReduceOp op) {
  Coalesced(tensors, [&](std::vector<at::Tensor>& buffer) {
    c10d::AllreduceOptions options;
    options.reduceOp = op;
    Wait(Group().allreduce(buffer, options));
  });
}

// rank, worldSize, masterAddr, masterPort, timeoutMs, interface ('' = derive from masterAddr)
LC_OP(initProcessGroup) {
  if (gGroup) throw ArgumentError("the process group is already initialised");
  const int64_t rank = I(info, 0), world = I(info, 1);
  const std::string addr = Str(info, 2);
  const int64_t port = I(info, 3), timeoutMs = I(info, 4);
  const std::string iface = Str(info, 5);
  if (world < 1 || rank < 0 || rank >= world) throw ArgumentError("rank must be in [0, worldSize)");
  if (port < 1 || port > 65535) throw ArgumentError("port must be in [1, 65535]");
  const std::chrono::milliseconds timeout(timeoutMs);
  c10d::TCPStoreOptions storeOptions;
  storeOptions.port = static_cast<uint16_t>(port);
  storeOptions.isServer = rank == 0;
  storeOptions.numWorkers = static_cast<size_t>(world);
  storeOptions.waitWorkers = true;
  storeOptions.timeout = timeout;
#ifndef LEANCONV_WITH_GLOO
  throw std::runtime_error("this leanconv build has no Gloo backend (build it with Gloo's headers: apt-get install libgloo-dev, then npm run build:native)");
#else
  auto store = c10::make_intrusive<c10d::TCPStore>(addr, storeOptions);
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  if (!iface.empty()) {
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(iface));
  } else if (addr == "127.0.0.1" || addr == "localhost") {
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  } else {
    options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  }
  options->threads = 2;
  auto prefixed = c10::make_intrusive<c10d::PrefixStore>("leanconv", store);
  gGroup = c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, static_cast<int>(rank), static_cast<int>(world), options);
  gStore = store;
  return info.Env().Undefined();
#endif
}

LC_OP(destroyProcessGroup) {
  gGroup.reset();
  gStore.reset();
  return info.Env().Undefined();
}

// { rank, worldSize } or undefined when no group exists.
LC_OP(processGroupInfo) {
  Napi::Env env = info.Env();
  if (!gGroup) return env.Undefined();
  auto out = Napi::Object::New(env);
  out.Set("rank", Napi::Number::New(env, gGroup->getRank()));
  out.Set("worldSize", Napi::Number::New(env, gGroup->getSize()));
  return out;
}

// tensors[], op: reduces in place across ranks.
LC_OP(allReduce) {
  auto tensors = TList(info, 0);
  AllReduceInPlace(tensors, ParseReduceOp(Str(info, 1)));
  return info.Env().Undefined();
}

// tensors[], root: every rank's tensors become root's, in place.
LC_OP(broadcast) {
  auto tensors = TList(info, 0);
  const int64_t root = I(info, 1);
  if (root < 0 || root >= Group().getSize()) throw ArgumentError("root rank out of range");
  Coalesced(tensors, [&](std::vector<at::Tensor>& buffer) {
    c10d::BroadcastOptions options;
    options.rootRank = static_cast<int>(root);
    Wait(Group().broadcast(buffer, options));
  });
  return info.Env().Undefined();
}

// tensor -> one tensor per rank (same shape on every rank).
LC_OP(allGather) {
  const at::Tensor input = T(info, 0).detach().contiguous();
  std::vector<std::vector<at::Tensor>> outputs(1);
  for (int r = 0; r < Group().getSize(); ++r) outputs[0].push_back(at::empty_like(input));
  std::vector<at::Tensor> inputs{input};
  Wait(Group().allgather(outputs, inputs));
  return WrapList(info.Env(), outputs[0]);
}

LC_OP(barrier) {
  Wait(Group().barrier());
  return info.Env().Undefined();
}

// --- differentiable all-reduce (sum) ----------------------------------------------------------------
// d(Σ_r x_r)/dx_r = 1 for every rank's contribution, so the backward pass is the same all-reduce of the
// output gradients: what SyncBatchNorm needs for its batch statistics.
struct AllReduceSumFunction : public torch::autograd::Function<AllReduceSumFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext*, const at::Tensor& input) {
    std::vector<at::Tensor> out{input.clone()};
    AllReduceInPlace(out, c10d::ReduceOp::SUM);
    return out[0];
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext*, torch::autograd::variable_list grads) {
    std::vector<at::Tensor> g{grads[0].clone()};
    AllReduceInPlace(g, c10d::ReduceOp::SUM);
    return g;
  }
};

LC_OP(allReduceSumDifferentiable) { LC_RET(AllReduceSumFunction::apply(T(info, 0))); }

// --- gradient reducer ----------------------------------------------------------------------------------
// Parameters are grouped into buckets in reverse order (backward produces the last layers' gradients
// first). When a parameter's gradient has been accumulated, its grad accumulator's post hook copies it
// into its bucket's flat buffer; a bucket whose members are all in is all-reduced asynchronously, and
// buckets are launched strictly in order so that every rank issues the same sequence of collectives.
// A final engine callback (end of backward) launches what is left (parameters that got no gradient on
// this rank contribute zeros), waits, averages and writes the results back into .grad.
class GradientReducer : public std::enable_shared_from_this<GradientReducer> {
 public:
  GradientReducer(std::vector<at::Tensor> params, int64_t firstBucketBytes, int64_t bucketBytes)
      : params_(std::move(params)) {
    slot_.resize(params_.size());
    int64_t bytes = 0;
    for (int64_t i = static_cast<int64_t>(params_.size()) - 1; i >= 0; --i) {
      const at::Tensor& p = params_[i];
      const int64_t cap = buckets_.size() <= 1 ? firstBucketBytes : bucketBytes;
      if (buckets_.empty() || bytes >= cap || buckets_.back().type != p.scalar_type()) {
        buckets_.push_back(Bucket{});
        buckets_.back().type = p.scalar_type();
        bytes = 0;
      }
      Bucket& b = buckets_.back();
      slot_[i] = {buckets_.size() - 1, b.numel};
      b.members.push_back(static_cast<size_t>(i));
      b.numel += p.numel();
      bytes += p.numel() * static_cast<int64_t>(p.element_size());
    }
    for (auto& b : buckets_) b.flat = at::zeros({b.numel}, params_[b.members[0]].options().requires_grad(false));
    ready_.assign(params_.size(), false);
  }

  void InstallHooks() {
    std::weak_ptr<GradientReducer> weak = shared_from_this();
    for (size_t i = 0; i < params_.size(); ++i) {
      auto accumulator = torch::autograd::impl::grad_accumulator(params_[i]);
      if (!accumulator) throw ArgumentError("every reduced tensor must be a leaf that requires grad");
      auto hook = std::make_unique<torch::autograd::utils::LambdaPostHook>(
          [weak, i](const torch::autograd::variable_list& outputs, const torch::autograd::variable_list&) {
            if (auto self = weak.lock()) self->OnGradientReady(i);
            return outputs;
          });
      keys_.push_back(accumulator->add_post_hook(std::move(hook)));
      accumulators_.push_back(std::move(accumulator));
    }
  }

  ~GradientReducer() {
    for (size_t i = 0; i < accumulators_.size(); ++i) accumulators_[i]->del_post_hook(keys_[i]);
  }

  // Called before a backward pass whose gradients should be reduced.
  void Arm() {
    armed_ = true;
    callbackQueued_ = false;
    nextBucket_ = 0;
    std::fill(ready_.begin(), ready_.end(), false);
    for (auto& b : buckets_) {
      b.pending = b.members.size();
      b.work.reset();
    }
  }

  size_t BucketCount() const { return buckets_.size(); }

 private:
  struct Bucket {
    at::ScalarType type;
    std::vector<size_t> members;
    int64_t numel = 0;
    at::Tensor flat;
    size_t pending = 0;
    c10::intrusive_ptr<c10d::Work> work;
  };
  struct Slot {
    size_t bucket;
    int64_t offset;
  };

  at::Tensor View(size_t i) {
    const Slot& s = slot_[i];
    return buckets_[s.bucket].flat.narrow(0, s.offset, params_[i].numel()).view(params_[i].sizes());
  }

  void OnGradientReady(size_t i) {
    if (!armed_ || ready_[i]) return;
    at::NoGradGuard noGrad;
    ready_[i] = true;
    const at::Tensor& grad = params_[i].grad();
    if (grad.defined()) View(i).copy_(grad);
    else View(i).zero_();
    if (!callbackQueued_) {
      callbackQueued_ = true;
      std::weak_ptr<GradientReducer> weak = shared_from_this();
      torch::autograd::Engine::get_default_engine().queue_callback([weak] {
        if (auto self = weak.lock()) self->Finish();
      });
    }
    --buckets_[slot_[i].bucket].pending;
    LaunchReady();
  }

  void LaunchReady() {
    while (nextBucket_ < buckets_.size() && buckets_[nextBucket_].pending == 0) {
      Bucket& b = buckets_[nextBucket_++];
      b.flat.div_(Group().getSize());
      std::vector<at::Tensor> buffer{b.flat};
      b.work = Group().allreduce(buffer);
    }
  }

  void Finish() {
    at::NoGradGuard noGrad;
    armed_ = false;
    for (size_t i = 0; i < params_.size(); ++i) {
      if (ready_[i]) continue;
      ready_[i] = true;
      View(i).zero_();
      --buckets_[slot_[i].bucket].pending;
    }
    LaunchReady();
    for (auto& b : buckets_) Wait(b.work);
    for (size_t i = 0; i < params_.size(); ++i) {
      at::Tensor& grad = params_[i].mutable_grad();
      if (grad.defined()) grad.copy_(View(i));
      else grad = View(i).clone(params_[i].suggest_memory_format());
    }
  }

  std::vector<at::Tensor> params_;
  std::vector<std::shared_ptr<torch::autograd::Node>> accumulators_;
  std::vector<uintptr_t> keys_;
  std::vector<Bucket> buckets_;
  std::vector<Slot> slot_;
  std::vector<bool> ready_;
  size_t nextBucket_ = 0;
  bool armed_ = false;
  bool callbackQueued_ = false;
};

std::map<int64_t, std::shared_ptr<GradientReducer>> gReducers;
int64_t gNextReducer = 1;

std::shared_ptr<GradientReducer>& Reducer(const Napi::CallbackInfo& info, size_t i) {
  auto it = gReducers.find(I(info, i));
  if (it == gReducers.end()) throw ArgumentError("unknown or destroyed gradient reducer");
  return it->second;
}

// params[], firstBucketBytes, bucketBytes -> { id, buckets }
LC_OP(createGradientReducer) {
  Napi::Env env = info.Env();
  Group();
  auto params = TList(info, 0);
  if (params.empty()) throw ArgumentError("no parameters to reduce");
  for (const auto& p : params) {
    if (!p.requires_grad() || !p.is_leaf()) throw ArgumentError("every reduced tensor must be a leaf that requires grad");
  }
  auto reducer = std::make_shared<GradientReducer>(std::move(params), I(info, 1), I(info, 2));
  reducer->InstallHooks();
  const int64_t id = gNextReducer++;
  gReducers[id] = reducer;
  auto out = Napi::Object::New(env);
  out.Set("id", Napi::Number::New(env, static_cast<double>(id)));
  out.Set("buckets", Napi::Number::New(env, static_cast<double>(reducer->BucketCount())));
  return out;
}

LC_OP(armGradientReducer) {
  Reducer(info, 0)->Arm();
  return info.Env().Undefined();
}

LC_OP(destroyGradientReducer) {
  gReducers.erase(I(info, 0));
  return info.Env().Undefined();
}

}  // namespace

void RegisterDistributed(Napi::Env env, Napi::Object exports) {
  LC_EXPORT(exports, initProcessGroup);
  LC_EXPORT(exports, destroyProcessGroup);
  LC_EXPORT(exports, processGroupInfo);
  LC_EXPORT(exports, allReduce);
  LC_EXPORT(exports, broadcast);
  LC_EXPORT(exports, allGather);
  LC_EXPORT(exports, barrier);
  LC_EXPORT(exports, allReduceSumDifferentiable);
  LC_EXPORT(exports, createGradientReducer);
  LC_EXPORT(exports, armGradientReducer);
  LC_EXPORT(exports, destroyGradientReducer);
}

}  // namespace leanconv
