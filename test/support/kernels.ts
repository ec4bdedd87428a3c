// Shared by the kernel tests (test/kernel-*.test.ts): whether this CPU runs leanconv's kernels, a function's output
// with a kernel on or off, and a conv through a kernel and through libtorch.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import * as lc from '../../src/engine/index.js';

export const f64 = (shape: number[]): lc.Tensor => lc.randn(shape, { dtype: 'float64', requiresGrad: true });

export function assertGrad(fn: (...xs: lc.Tensor[]) => lc.Tensor, inputs: lc.Tensor[], tol?: lc.GradcheckOptions): void {
  const result = lc.gradcheck(fn, inputs, tol);
  assert.ok(result.ok, `gradcheck failed: ${result.detail} (max error ${result.maxAbsError})`);
}

function cpuFlags(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '';
  } catch {
    return '';
  }
}
// The conv kernels need AVX2 and FMA; on other CPUs every conv goes to libtorch and only that is checked.
export const cpuHasKernel = process.arch === 'x64' && /\bavx2\b/.test(cpuFlags()) && /\bfma\b/.test(cpuFlags());
/** Whether leanconv's kernels run their AVX-512 code: the CPU has it and ONEDNN_MAX_CPU_ISA does not cap it (see runtime.ts). */
const avx512Cpu = ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq'].every((f) => new RegExp(`\\b${f}\\b`).test(cpuFlags()));
const oneDnnCap = process.env.ONEDNN_MAX_CPU_ISA || process.env.DNNL_MAX_CPU_ISA || '';
export const avx512Core = avx512Cpu && !/^(SSE|AVX$|AVX2)/i.test(oneDnnCap);

/** fn's output with one of leanconv's kernels on or off, and how many calls ran that kernel. */
export function runWith(kernel: lc.NativeKernel, useKernel: boolean, fn: () => lc.Tensor): { y: lc.Tensor; runs: number } {
  const previous = lc.nativeKernel(kernel, useKernel);
  try {
    const before = lc.nativeKernelRuns(kernel);
    const y = fn();
    return { y, runs: lc.nativeKernelRuns(kernel) - before };
  } finally {
    lc.nativeKernel(kernel, previous);
  }
}

/**
 * conv with one of leanconv's kernels and with libtorch's: asserts that the kernel ran (on CPUs that have it) and
 * kept the output channels-last; returns both outputs.
 */
export function kernelAndLibtorch(kernel: lc.NativeKernel, conv: () => lc.Tensor, what: string): { ours: lc.Tensor; theirs: lc.Tensor } {
  const ours = runWith(kernel, true, conv);
  const theirs = runWith(kernel, false, conv);
  assert.equal(ours.runs, cpuHasKernel ? 1 : 0, `${what}: leanconv's kernel ran`);
  assert.equal(theirs.runs, 0);
  assert.deepEqual(ours.y.shape, theirs.y.shape, what);
  assert.ok(ours.y.isContiguous('channelsLast'), `${what}: channels-last output`);
  return { ours: ours.y, theirs: theirs.y };
}
