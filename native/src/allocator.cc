// A caching CPU allocator for tensor storage, installed as libtorch's CPU allocator at load.
//
// Why: with glibc's default malloc, a training loop whose tensor sizes vary (last batch, eval batches)
// fragments the heap: RSS was measured climbing to 2.3 GB in 1,500 steps. Forcing large blocks into
// mmap fixes that but makes every step pay page faults and zeroing (1.9x slower training, measured).
// This allocator gives each large block its own mapping (no heap fragmentation) and keeps freed blocks
// in per-size free lists for reuse (no page faults in steady state), with a bound on cached bytes.
// The bound follows the working set: a training step frees about its peak working set at its end, and
// the next step needs all of it again. A fixed 1 GiB made CondenseNet-86 (2.1 GB working set at batch
// 64) flush and re-fault its blocks every step: 1.6-1.8x slower steps, measured. Blocks are reused by
// exact size class, so the peak bytes in use are not enough either: a step that frees a 14 MB block
// early and needs a 7 MB one later holds both classes' blocks at different times, and a cache bounded
// by the peak dropped 30-46 blocks per step and mapped them again (about 88,000 page faults per
// HCGNet-A1 step; training steps 1.04x, 1.18x and 1.24x faster for HCGNet-A1, CondenseNet-86 and
// DenseNet-BC-100 without them, measured). So
// the bound is the step's demand, Σ over size classes of (most blocks of that class in use at once) x
// size, capped at 1.3x the peak bytes in use, and at least 1 GiB. A block that does not fit under the
// bound is unmapped on its own. The cap bounds what phases with other sizes add (an evaluation at
// another batch size between training epochs): the demand of three models' training steps is
// 1.20-1.26x their peak, and a cap of 1.5x let train/eval alternation hold 1.5x the peak, measured.
// StartPhase() forgets the sizes of the work so far, for callers that switch between phases (the trainer,
// before and after each evaluation).
// Sizes are rounded up to quarter-power-of-two steps, so at most 25% of a block is slack.
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "common.h"

namespace leanconv {

namespace {

constexpr size_t kLargeBlock = 128 * 1024;  // smaller requests go to malloc, which handles them well
constexpr size_t kHeader = 64;              // block size lives in front of the data; keeps 64-byte alignment

size_t RoundUp(size_t n) {
  size_t total = n + kHeader;
  size_t power = size_t{1} << (63 - __builtin_clzll(total));
  size_t step = std::max<size_t>(power / 4, 4096);
  return (total + step - 1) / step * step;
}

class CachingCPUAllocator final : public c10::Allocator {
 public:
  CachingCPUAllocator() {
    if (const char* env = std::getenv("LEANCONV_ALLOCATOR_CACHE_MB")) {
      limit_ = std::strtoull(env, nullptr, 10) << 20;
      followDemand_ = false;
    }
  }

  // Every block carries a 64-byte header holding its mapped size (0: a small malloc'd block), so one
  // raw deleter frees both kinds and data == context, as oneDNN's raw_allocate/raw_deallocate require.
#if LEANCONV_TORCH_AT_LEAST(2, 3)
  // libtorch 2.3 made allocate non-const and added copy_data.
  c10::DataPtr allocate(size_t nbytes) override {
#else
  c10::DataPtr allocate(size_t nbytes) const override {
#endif
    if (nbytes < kLargeBlock) {
      char* base = static_cast<char*>(c10::alloc_cpu(nbytes + kHeader));
      *reinterpret_cast<size_t*>(base) = 0;
      return {base + kHeader, base + kHeader, &Deallocate, c10::Device(c10::DeviceType::CPU)};
    }
    size_t size = RoundUp(nbytes);
    char* base = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      SizeClass& cls = classes_[size];
      if (!cls.free.empty()) {
        base = static_cast<char*>(cls.free.back());
        cls.free.pop_back();
        cached_ -= size;
      } else {
        ++mappedBlocks_;
      }
      inUse_ += size;
      peakInUse_ = std::max(peakInUse_, inUse_);
      if (++cls.inUse > cls.peakInUse) {
        ++cls.peakInUse;
        demand_ += size;
      }
    }
    if (base == nullptr) base = Map(size);
    *reinterpret_cast<size_t*>(base) = size;
    return {base + kHeader, base + kHeader, &Deallocate, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &Deallocate; }

#if LEANCONV_TORCH_AT_LEAST(2, 3)
  void copy_data(void* dest, const void* src, std::size_t count) const override { std::memcpy(dest, src, count); }
#endif

  static void Deallocate(void* data) {
    char* base = static_cast<char*>(data) - kHeader;
    if (*reinterpret_cast<size_t*>(base) == 0) {
      c10::free_cpu(base);
    } else {
      Instance().Release(base);
    }
  }

  static CachingCPUAllocator& Instance() {
    static CachingCPUAllocator* instance = new CachingCPUAllocator();  // never destroyed: tensors may outlive statics
    return *instance;
  }

  void EmptyCache() {
    std::lock_guard<std::mutex> lock(mutex_);
    TrimCacheLocked(0);
  }

  // Forgets what earlier work needed (each class's peak becomes its current use, and so does the peak in
  // use) and gives back the cached blocks beyond the resulting bound: for a phase whose sizes differ, such
  // as an evaluation at another batch size after training epochs, which otherwise add their sizes to the
  // training step's.
  void StartPhase() {
    std::lock_guard<std::mutex> lock(mutex_);
    demand_ = 0;
    peakInUse_ = inUse_;
    for (auto& [size, cls] : classes_) {
      cls.peakInUse = cls.inUse;
      demand_ += cls.inUse * size;
    }
    unmappedBlocks_ += TrimCacheLocked(Limit());
  }

  struct Stats {
    size_t inUse, cached, limit, peak, mapped, unmapped;
  };
  Stats GetStats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {inUse_, cached_, Limit(), peakInUse_, mappedBlocks_, unmappedBlocks_};
  }

 private:
  char* Map(size_t size) const {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      const_cast<CachingCPUAllocator*>(this)->EmptyCache();  // give cached blocks back, then retry once
      p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) {
        std::lock_guard<std::mutex> lock(mutex_);
        inUse_ -= size;
        --classes_[size].inUse;
        TORCH_CHECK(false, "out of memory: could not allocate ", size, " bytes for a tensor");
      }
    }
    return static_cast<char*>(p);
  }

  void Release(char* base) {
    size_t size = *reinterpret_cast<size_t*>(base);
    std::lock_guard<std::mutex> lock(mutex_);
    inUse_ -= size;
    SizeClass& cls = classes_[size];
    --cls.inUse;
    if (cached_ + size > Limit()) {
      ++unmappedBlocks_;
      munmap(base, size);
      return;
    }
    cls.free.push_back(base);
    cached_ += size;
  }

  // What a repeated step needs cached, capped at 1.3x the peak so that a workload whose sizes keep
  // changing cannot grow the cache without bound.
  size_t Limit() const { return followDemand_ ? std::max(limit_, std::min(demand_, peakInUse_ + peakInUse_ * 3 / 10)) : limit_; }

  // Unmaps cached blocks until at most `bound` bytes stay cached; returns how many it unmapped.
  size_t TrimCacheLocked(size_t bound) {
    size_t unmapped = 0;
    for (auto& [size, cls] : classes_) {
      while (cached_ > bound && !cls.free.empty()) {
        munmap(cls.free.back(), size);
        cls.free.pop_back();
        cached_ -= size;
        ++unmapped;
      }
    }
    return unmapped;
  }

  mutable std::mutex mutex_;
  struct SizeClass {
    std::vector<void*> free;  // cached blocks
    size_t inUse = 0;         // blocks handed out now
    size_t peakInUse = 0;     // most blocks ever handed out at once
  };
  mutable std::unordered_map<size_t, SizeClass> classes_;
  mutable size_t demand_ = 0;  // Σ peakInUse·size over the classes: what a repeated step needs mapped
  mutable size_t cached_ = 0;
  mutable size_t inUse_ = 0;
  mutable size_t peakInUse_ = 0;
  mutable size_t mappedBlocks_ = 0, unmappedBlocks_ = 0;  // since load: cache misses, and blocks given back
  size_t limit_ = size_t{1} << 30;  // cached (free) bytes kept for reuse, at least; LEANCONV_ALLOCATOR_CACHE_MB fixes it
  bool followDemand_ = true;
};

LC_OP(allocatorStats) {
  Napi::Env env = info.Env();
  auto stats = CachingCPUAllocator::Instance().GetStats();
  auto out = Napi::Object::New(env);
  out.Set("inUseBytes", Napi::Number::New(env, static_cast<double>(stats.inUse)));
  out.Set("cachedBytes", Napi::Number::New(env, static_cast<double>(stats.cached)));
  out.Set("cacheLimitBytes", Napi::Number::New(env, static_cast<double>(stats.limit)));
  out.Set("peakInUseBytes", Napi::Number::New(env, static_cast<double>(stats.peak)));
  out.Set("mappedBlocks", Napi::Number::New(env, static_cast<double>(stats.mapped)));
  out.Set("unmappedBlocks", Napi::Number::New(env, static_cast<double>(stats.unmapped)));
  return out;
}

LC_OP(emptyCache) {
  CachingCPUAllocator::Instance().EmptyCache();
  return info.Env().Undefined();
}

LC_OP(startAllocatorPhase) {
  CachingCPUAllocator::Instance().StartPhase();
  return info.Env().Undefined();
}

}  // namespace

void InstallAllocator(Napi::Env env, Napi::Object exports) {
  // LEANCONV_ALLOCATOR=system keeps libtorch's own allocator (for comparisons).
  const char* choice = std::getenv("LEANCONV_ALLOCATOR");
  bool caching = choice == nullptr || std::string(choice) != "system";
  if (caching) c10::SetCPUAllocator(&CachingCPUAllocator::Instance(), /*priority=*/10);
  exports.Set("cachingAllocator", Napi::Boolean::New(env, caching));
  LC_EXPORT(exports, allocatorStats);
  LC_EXPORT(exports, emptyCache);
  LC_EXPORT(exports, startAllocatorPhase);
}

}  // namespace leanconv
