// The kernels' AVX2 code on a CPU with AVX-512: every kernel test file again with oneDNN capped at AVX2 (which caps
// leanconv's kernels too), so this machine runs what an AVX2-only machine runs: the 6 x 16 register blocks, 8-float
// transforms and the dilated conv's kernel.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { avx512Core } from './support/kernels.js';

test("leanconv's kernel tests pass again under ONEDNN_MAX_CPU_ISA=AVX2", { skip: !avx512Core && 'needs a CPU with AVX-512 (the run above was the AVX2 code)' }, () => {
  const files = readdirSync(import.meta.dirname).filter((f) => /^kernel-(?!avx2).*\.test\.js$/.test(f)).map((f) => join(import.meta.dirname, f));
  // Without NODE_TEST_CONTEXT, which would make the child report to this runner instead of printing.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', "--test-name-pattern=leanconv's", ...files],
    { encoding: 'utf8', env: { ...env, ONEDNN_MAX_CPU_ISA: 'AVX2' } });
  assert.equal(r.status, 0, r.stdout.split('\n').filter((l) => /not ok|Error|error:|\d !==/.test(l)).join('\n'));
  const passed = Number(/^# pass (\d+)/m.exec(r.stdout)?.[1]);
  assert.ok(passed >= 15, `${passed} tests passed`);
  assert.match(r.stdout, /^# fail 0$/m);
});
