// Process-wide engine settings and facts: threads, seeding, build configuration, native memory.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

import { native } from './native.js';
import { Tensor, fromBytes } from './tensor.js';

/** Sets libtorch's intra-op thread count (OpenMP). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`thread count must be a positive integer, got ${n}`);
  native.setNumThreads(n);
}
export const getNumThreads = (): number => native.getNumThreads();

/** The thread count leanconv uses by default: LEANCONV_THREADS, else the cores available to this process. */
export function defaultNumThreads(): number {
  const fromEnv = process.env.LEANCONV_THREADS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`LEANCONV_THREADS must be a positive integer, got '${fromEnv}'`);
    return n;
  }
  return availableParallelism();
}

// libtorch starts with one thread on these VMs (OMP_NUM_THREADS unset); use the cores we have.
setNumThreads(defaultNumThreads());

/**
 * Seeds libtorch's default generator, which drives random init, dropout, randperm (data shuffling) and
 * every other random op, so one seed makes a run repeatable.
 */
export function manualSeed(seed: number | bigint): void {
  native.manualSeed(seed);
}

/** The full state of the default generator (uint8 bytes), to save with a checkpoint. */
export function getRngState(): Uint8Array {
  const state = new Tensor(native.getRngState());
  try {
    return state.bytes();
  } finally {
    state.dispose();
  }
}

/** Restores a state from getRngState(); the random stream continues exactly from there. */
export function setRngState(bytes: Uint8Array): void {
  const state = fromBytes(bytes, 'uint8', [bytes.length]);
  try {
    native.setRngState(state.handle);
  } finally {
    state.dispose();
  }
}

export interface BuildInfo {
  torchVersion: string;
  /** The libtorch library file this process loaded (Debian's, or an external LIBTORCH build's). */
  libtorchPath?: string;
  /** The BLAS library actually mapped into this process (Debian switches it through alternatives). */
  blas: string;
  blasPath?: string;
  mkldnn: boolean;
  openmp: boolean;
  cuda: boolean;
  cudnn: boolean;
  /** CUDA devices libtorch sees (0 without CUDA). */
  cudaDevices: number;
  /** The addon was built with c10d's Gloo backend (distributed training on CPU). */
  gloo: boolean;
  threads: number;
  cpuCapability?: string;
  /** libtorch's own at::show_config() text. */
  config: string;
}

function mappedLibrary(pattern: RegExp): string | undefined {
  try {
    const maps = readFileSync('/proc/self/maps', 'utf8');
    for (const line of maps.split('\n')) {
      const path = line.slice(line.indexOf('/'));
      if (line.includes('/') && pattern.test(path)) return path.trim();
    }
  } catch {
    // not Linux: fall through
  }
  return undefined;
}

export function buildInfo(): BuildInfo {
  const raw = native.buildInfo();
  // libblas.so.3 is an alternatives link: resolve which implementation the loader actually mapped.
  const blasPath = mappedLibrary(/\/(libopenblas[^/]*\.so|openblas[^/]*\/libblas\.so|blas\/libblas\.so|libmkl_rt|libblis)/);
  let blas = 'unknown';
  if (blasPath !== undefined) {
    if (/openblas-openmp/.test(blasPath)) blas = 'OpenBLAS (OpenMP)';
    else if (/openblas-pthread/.test(blasPath)) blas = 'OpenBLAS (pthreads)';
    else if (/openblas/.test(blasPath)) blas = 'OpenBLAS';
    else if (/mkl/.test(blasPath)) blas = 'MKL';
    else if (/blis/.test(blasPath)) blas = 'BLIS';
    else if (/\/blas\/libblas/.test(blasPath)) blas = 'reference BLAS (slow: apt-get install libopenblas0-openmp)';
  }
  const capability = /CPU capability usage: (\S+)/.exec(raw.config)?.[1];
  return {
    torchVersion: raw.torchVersion,
    libtorchPath: mappedLibrary(/\/libtorch_cpu\.so/),
    blas,
    blasPath,
    mkldnn: raw.mkldnn,
    openmp: /OpenMP/.test(raw.parallelInfo),
    cuda: raw.cuda,
    cudnn: raw.cudnn,
    cudaDevices: raw.cudaDevices,
    gloo: raw.gloo,
    threads: raw.threads,
    cpuCapability: capability,
    config: raw.config,
  };
}

/**
 * leanconv's own CPU kernels, used where libtorch 1.13's are measured to be slow (bench/torch_profile.py --kernels;
 * their gains: node dist/bench/kernels.js):
 * - channelsLastBatchNorm: BatchNorm (+ ReLU) on channels-last float32 input: in training mode, and in eval mode
 *   when no gradient is recorded (one pass with the running statistics).
 * - dilatedDepthwiseConv: the weight gradient of a dilated depthwise conv, as an undilated one over phases (off by default on
 *   CPUs with AVX-512, where libtorch's was measured faster).
 * - groupedConv: a 3x3 grouped conv with at least 2 inputs and at most 12 outputs per group (HCGNet's squeeze cells) on channels-last
 *   float32 input when no gradient is recorded, computed directly (x86-64 with AVX2 and FMA).
 * - pointwiseConv: a 1x1 conv (stride 1, any groups) on channels-last float32 input when no gradient is recorded, with the
 *   pre-activation BN-ReLU (and channel gather) of F.affineReluConv2d applied on the fly (x86-64 with AVX2 and FMA).
 * - attentionPool: F.attentionPool2d on channels-last float32 input when no gradient is recorded, in two passes over
 *   the map (x86-64 with AVX2 and FMA).
 * - winogradConv: a 3x3, stride-1, padding-1, one-group conv on channels-last float32 input with channel counts
 *   multiples of 8 up to 256, by Winograd's algorithm; at inference it applies F.conv2d's epilogue (residual, ReLU) as
 *   it writes (x86-64 with AVX2 and FMA; AVX-512 where the CPU has it).
 * - winogradConvTraining: winogradConv also when a gradient is recorded, with both gradients by the same algorithm.
 * - winogradLargeTiles: winogradConv and its gradients by F(4x4, 3x3) tiles (4x fewer multiply-adds than a direct
 *   conv; it rounds to about 1e-5 of the output's scale) for convs of up to 128 channels; off, and above 128, by
 *   F(2x2, 3x3) (2.25x fewer; about 1e-6).
 * On x86-64, ONEDNN_MAX_CPU_ISA (or DNNL_MAX_CPU_ISA) set below AVX-512 (SSE41, AVX, AVX2...) caps these kernels too:
 * they and their defaults are then those of an AVX2 machine.
 */
/** leanconv's own kernels, as the addon registers them (each kernel's switch registers itself; a test checks the two lists agree). */
export const NATIVE_KERNELS = [
  'channelsLastBatchNorm', 'dilatedDepthwiseConv', 'groupedConv', 'pointwiseConv', 'attentionPool', 'winogradConv', 'winogradConvTraining', 'winogradLargeTiles',
] as const;
export type NativeKernel = (typeof NATIVE_KERNELS)[number];

/** Every kernel the addon registered: its name, the environment variable that overrides its default, whether it is on, its runs. */
export function nativeKernels(): { name: string; environmentVariable: string; enabled: boolean; runs: number }[] {
  return native.nativeKernels();
}
/**
 * Turns one of leanconv's kernels on or off for the process and returns whether it was on; without `enabled`, only
 * asks. Each starts on where it is the faster kernel (all of them, but dilatedDepthwiseConv on CPUs with AVX-512), unless its
 * environment variable says 0 (off) or 1 (on): LEANCONV_NATIVE_BATCHNORM, LEANCONV_NATIVE_DILATED_CONV,
 * LEANCONV_NATIVE_GROUPED_CONV, LEANCONV_NATIVE_POINTWISE_CONV, LEANCONV_NATIVE_ATTENTION_POOL, LEANCONV_NATIVE_WINOGRAD_CONV,
 * LEANCONV_NATIVE_WINOGRAD_CONV_TRAINING, LEANCONV_NATIVE_WINOGRAD_LARGE_TILES.
 */
export function nativeKernel(name: NativeKernel, enabled?: boolean): boolean {
  return native.nativeKernel(name, enabled);
}
/** How many calls ran one of leanconv's kernels since the addon loaded (to check that a model uses it). */
export function nativeKernelRuns(name: NativeKernel): number {
  return native.nativeKernelRuns(name);
}

let cuda: boolean | undefined;
/** Whether the linked libtorch can use a CUDA device (fixed for the process, so asked once). */
export const cudaIsAvailable = (): boolean => (cuda ??= native.buildInfo().cuda as boolean);

/**
 * Checks that a device name can be used here: 'cpu', or 'cuda' / 'cuda:N' with a CUDA libtorch and a
 * device N. Returns the problem in words, or undefined when it is usable.
 */
export function deviceProblem(device: string): string | undefined {
  const m = /^(cpu|cuda)(?::(\d+))?$/.exec(device);
  if (m === null || (m[1] === 'cpu' && m[2] !== undefined)) return `'${device}' is not a device name (cpu, cuda or cuda:N)`;
  if (m[1] === 'cpu') return undefined;
  if (!cudaIsAvailable()) {
    return `device '${device}' needs a CUDA build of libtorch, and this one has none (leanconv checks); build the addon against one with LIBTORCH=/path/to/libtorch or LIBTORCH=python`;
  }
  const count = native.buildInfo().cudaDevices as number;
  const index = Number(m[2] ?? 0);
  return index < count ? undefined : `device '${device}' does not exist: libtorch sees ${count} CUDA device${count === 1 ? '' : 's'}`;
}

export interface MemoryStats {
  /** Tensor handles created and not yet disposed or collected. */
  liveTensors: number;
  /** Bytes of CPU tensor storage those handles own. */
  nativeBytes: number;
  /**
   * What V8 has been told (external memory): growth at once, memory the collector freed at once, memory
   * freed by dispose() only after it stayed freed for 5 s, so a training step's rise and fall does not
   * make V8 collect (LEANCONV_EXTERNAL_MEMORY=eager reports every change).
   */
  reportedBytes: number;
  /**
   * Tensors freed by the garbage collector rather than by dispose() or a scope, since the process
   * started: each one is a tensor its creator forgot. liveTensors + collectedTensors changes only
   * when code creates or disposes tensors, never when the collector happens to run, so leak checks
   * compare that sum.
   */
  collectedTensors: number;
}
export const memoryStats = (): MemoryStats => ({
  liveTensors: native.liveTensors(),
  nativeBytes: native.nativeBytes(),
  reportedBytes: native.reportedExternalBytes(),
  collectedTensors: native.collectedTensors(),
});

export interface AllocatorStats {
  /** Whether leanconv's caching allocator serves tensor storage (LEANCONV_ALLOCATOR=system turns it off). */
  caching: boolean;
  /** Bytes of large blocks held by live tensors. */
  inUseBytes: number;
  /** Bytes of freed large blocks kept for reuse (bounded by cacheLimitBytes; LEANCONV_ALLOCATOR_CACHE_MB). */
  cachedBytes: number;
  /**
   * At least 1 GiB; above that, what a repeated step needs cached (the most blocks of each size in use at
   * once, summed), at most 1.3x peakInUseBytes.
   */
  cacheLimitBytes: number;
  /** Most bytes of large blocks in use at once since the addon loaded or the last startAllocatorPhase(). */
  peakInUseBytes: number;
  /** Large blocks mapped from the operating system since load: cache misses. Flat in a steady training loop. */
  mappedBlocks: number;
  /** Large blocks given back to the operating system because the cache was over its bound: when freed, or when startAllocatorPhase() lowered the bound (emptyCache() is not counted). */
  unmappedBlocks: number;
}
export const allocatorStats = (): AllocatorStats => ({ caching: native.cachingAllocator, ...native.allocatorStats() });
/** Returns cached free blocks to the operating system. */
export const emptyCache = (): void => native.emptyCache();
/**
 * Tells the allocator that the work ahead allocates differently (evaluation after training epochs, and back):
 * it forgets the block sizes earlier work needed and gives back cached blocks beyond what is in use now (keeping
 * up to 1 GiB). Without it, both phases' sizes stay cached, up to 1.3x the peak in use. The trainer calls it before
 * and after each evaluation.
 */
export const startAllocatorPhase = (): void => native.startAllocatorPhase();
