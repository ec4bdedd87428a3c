// Process-wide engine settings and facts: threads, seeding, build configuration, native memory.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { native } from './native.js';
import { Tensor, fromBytes } from './tensor.js';
/** Sets libtorch's intra-op thread count (OpenMP). */
export function setNumThreads(n) {
    if (!Number.isInteger(n) || n < 1)
        throw new RangeError(`thread count must be a positive integer, got ${n}`);
    native.setNumThreads(n);
}
export const getNumThreads = () => native.getNumThreads();
/** The thread count leanconv uses by default: LEANCONV_THREADS, else the cores available to this process. */
export function defaultNumThreads() {
    const fromEnv = process.env.LEANCONV_THREADS;
    if (fromEnv !== undefined && fromEnv !== '') {
        const n = Number(fromEnv);
        if (!Number.isInteger(n) || n < 1)
            throw new RangeError(`LEANCONV_THREADS must be a positive integer, got '${fromEnv}'`);
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
export function manualSeed(seed) {
    native.manualSeed(seed);
}
/** The full state of the default generator (uint8 bytes), to save with a checkpoint. */
export function getRngState() {
    const state = new Tensor(native.getRngState());
    try {
        return state.bytes();
    }
    finally {
        state.dispose();
    }
}
/** Restores a state from getRngState(); the random stream continues exactly from there. */
export function setRngState(bytes) {
    const state = fromBytes(bytes, 'uint8', [bytes.length]);
    try {
        native.setRngState(state.handle);
    }
    finally {
        state.dispose();
    }
}
function mappedLibrary(pattern) {
    try {
        const maps = readFileSync('/proc/self/maps', 'utf8');
        for (const line of maps.split('\n')) {
            const path = line.slice(line.indexOf('/'));
            if (line.includes('/') && pattern.test(path))
                return path.trim();
        }
    }
    catch {
        // not Linux: fall through
    }
    return undefined;
}
export function buildInfo() {
    const raw = native.buildInfo();
    // libblas.so.3 is an alternatives link: resolve which implementation the loader actually mapped.
    const blasPath = mappedLibrary(/\/(libopenblas[^/]*\.so|openblas[^/]*\/libblas\.so|blas\/libblas\.so|libmkl_rt|libblis)/);
    let blas = 'unknown';
    if (blasPath !== undefined) {
        if (/openblas-openmp/.test(blasPath))
            blas = 'OpenBLAS (OpenMP)';
        else if (/openblas-pthread/.test(blasPath))
            blas = 'OpenBLAS (pthreads)';
        else if (/openblas/.test(blasPath))
            blas = 'OpenBLAS';
        else if (/mkl/.test(blasPath))
            blas = 'MKL';
        else if (/blis/.test(blasPath))
            blas = 'BLIS';
        else if (/\/blas\/libblas/.test(blasPath))
            blas = 'reference BLAS (slow: apt-get install libopenblas0-openmp)';
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
 * Turns one of leanconv's kernels on or off for the process and returns whether it was on; without `enabled`, only
 * asks. Each starts on where it is the faster kernel (all of them, but dilatedDepthwiseConv on CPUs with AVX-512), unless its
 * environment variable says 0 (off) or 1 (on): LEANCONV_NATIVE_BATCHNORM, LEANCONV_NATIVE_DILATED_CONV,
 * LEANCONV_NATIVE_GROUPED_CONV, LEANCONV_NATIVE_POINTWISE_CONV, LEANCONV_NATIVE_ATTENTION_POOL, LEANCONV_NATIVE_WINOGRAD_CONV,
 * LEANCONV_NATIVE_WINOGRAD_CONV_TRAINING, LEANCONV_NATIVE_WINOGRAD_LARGE_TILES.
 */
export function nativeKernel(name, enabled) {
    return native.nativeKernel(name, enabled);
}
/** How many calls ran one of leanconv's kernels since the addon loaded (to check that a model uses it). */
export function nativeKernelRuns(name) {
    return native.nativeKernelRuns(name);
}
let cuda;
/** Whether the linked libtorch can use a CUDA device (fixed for the process, so asked once). */
export const cudaIsAvailable = () => (cuda ??= native.buildInfo().cuda);
/**
 * Checks that a device name can be used here: 'cpu', or 'cuda' / 'cuda:N' with a CUDA libtorch and a
 * device N. Returns the problem in words, or undefined when it is usable.
 */
export function deviceProblem(device) {
    const m = /^(cpu|cuda)(?::(\d+))?$/.exec(device);
    if (m === null || (m[1] === 'cpu' && m[2] !== undefined))
        return `'${device}' is not a device name (cpu, cuda or cuda:N)`;
    if (m[1] === 'cpu')
        return undefined;
    if (!cudaIsAvailable()) {
        return `device '${device}' needs a CUDA build of libtorch, and this one has none (leanconv checks); build the addon against one with LIBTORCH=/path/to/libtorch or LIBTORCH=python`;
    }
    const count = native.buildInfo().cudaDevices;
    const index = Number(m[2] ?? 0);
    return index < count ? undefined : `device '${device}' does not exist: libtorch sees ${count} CUDA device${count === 1 ? '' : 's'}`;
}
export const memoryStats = () => ({
    liveTensors: native.liveTensors(),
    nativeBytes: native.nativeBytes(),
    reportedBytes: native.reportedExternalBytes(),
    collectedTensors: native.collectedTensors(),
});
export const allocatorStats = () => ({ caching: native.cachingAllocator, ...native.allocatorStats() });
/** Returns cached free blocks to the operating system. */
export const emptyCache = () => native.emptyCache();
/**
 * Tells the allocator that the work ahead allocates differently (evaluation after training epochs, and back):
 * it forgets the block sizes earlier work needed and gives back cached blocks beyond what is in use now (keeping
 * up to 1 GiB). Without it, both phases' sizes stay cached, up to 1.3x the peak in use. The trainer calls it before
 * and after each evaluation.
 */
export const startAllocatorPhase = () => native.startAllocatorPhase();
//# sourceMappingURL=runtime.js.map