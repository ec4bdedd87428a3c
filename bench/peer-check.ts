// Checks that bench/train_torch.py's PyTorch peer of a model computes the same function as leanconv's: builds
// the leanconv model with non-trivial BN statistics (and DGConv gates), runs an eval-mode forward, hands the
// state dict, input and output to bench/peer_check.py, which loads them into the peer by name and prints the
// largest output difference. The peer's parameter names must be leanconv's (they are for the ResNeXt pair).
//   node dist/bench/peer-check.js g_resnext20_cifar [resnext20_cifar ...]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import '../src/papers/index.js';
import { manualSeed, noGrad, rand, randn } from '../src/engine/index.js';
import { createModel, getModelSpec } from '../src/models/index.js';

const { positionals } = parseArgs({ allowPositionals: true });
const dir = mkdtempSync(join(tmpdir(), 'leanconv-peer-check-'));
try {
  for (const name of positionals) {
    manualSeed(3);
    const model = createModel(name).eval();
    noGrad(() => {
      for (const [key, t] of Object.entries(model.stateDict())) {
        if (key.endsWith('running_var')) t.copy_(rand(t.shape).add(0.5));
        else if (key.endsWith('running_mean')) t.copy_(randn(t.shape).mul(0.1));
        else if (key.endsWith('.gate')) t.copy_(randn(t.shape));
      }
    });
    const x = randn([2, ...getModelSpec(name).inputSize]);
    const y = noGrad(() => model.forward(model.formatInput(x)));
    const state = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, { shape: t.shape, data: Array.from(t.to({ dtype: 'float32' }).contiguous().data<'float32'>()) }]));
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ state, inputShape: x.shape, input: Array.from(x.data<'float32'>()), output: Array.from(y.contiguous().data<'float32'>()) }));
    const script = new URL('../../bench/peer_check.py', import.meta.url).pathname;
    try {
      process.stdout.write(`${name}: ${execFileSync('/usr/bin/python3', [script, name, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })}`);
    } catch (err) {
      process.stdout.write(`${name}: not checked: ${String((err as { stderr?: string }).stderr ?? err).trim()}\n`);
      process.exitCode = 1;
    }
    model.dispose();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
