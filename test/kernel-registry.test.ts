// leanconv's kernels register themselves in the addon (each kernel's switch, where the kernel is defined): the names
// TypeScript declares (NATIVE_KERNELS) are exactly those, each with its environment variable, switchable by name.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as lc from '../src/engine/index.js';

test('every registered kernel is declared in TypeScript and the other way round, and switches by name', () => {
  const registered = lc.nativeKernels();
  assert.deepEqual(registered.map((k) => k.name).sort(), [...lc.NATIVE_KERNELS].sort());
  for (const k of registered) {
    assert.match(k.environmentVariable, /^LEANCONV_NATIVE_[A-Z_]+$/, k.name);
    const was = lc.nativeKernel(k.name as lc.NativeKernel, !k.enabled);
    assert.equal(was, k.enabled);
    assert.equal(lc.nativeKernels().find((x) => x.name === k.name)!.enabled, !k.enabled);
    lc.nativeKernel(k.name as lc.NativeKernel, was);
  }
  assert.throws(() => lc.nativeKernel('fastConv' as lc.NativeKernel), /unknown kernel 'fastConv' \(known: .*winogradConv.*\)/);
});
