// Data-parallel training on c10d (Gloo) over loopback: collectives, gradient averaging and SyncBatchNorm
// against single-process references, `leanconv train --nproc 2` against a single-process run, a worker
// killed mid-run, and resuming a distributed run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import '../src/papers/index.js';
import { cat, F, loadSafetensors, SGD, type Tensor } from '../src/engine/index.js';
import { DataLoader } from '../src/data/loader.js';
import type { Dataset } from '../src/data/datasets.js';
import { launchOptionsFrom, withoutLaunchOptions } from '../src/cli/launch.js';
import { bnFreeNet, distributedFixture, syncBnNet } from './distributed-fixture.js';
import { checkpointDistance, tempDir, waitFor, writeMnistDir } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', 'src', 'cli', 'main.js');
const WORKER = join(here, 'distributed-worker.js');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Exit { code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string; seconds: number }

function run(args: string[], env: Record<string, string> = {}): { child: ReturnType<typeof spawn>; done: Promise<Exit>; stderr: () => string } {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, LEANCONV_THREADS: '1', ...env } });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const done = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr, stdout, seconds: (performance.now() - started) / 1000 })));
  return { child, done, stderr: () => stderr };
}

describe('collectives across 2 processes', () => {
  it('all-reduce, broadcast, all-gather, the differentiable sum, bucketed gradient averaging and SyncBatchNorm match one process', async () => {
    const dir = tempDir('leanconv-dist-');
    const port = String(await freePort());
    const ranks = [0, 1].map((rank) => run([WORKER], { RANK: String(rank), WORLD_SIZE: '2', MASTER_PORT: port, RESULT_DIR: dir }));
    const exits = await Promise.all(ranks.map((r) => r.done));
    for (const [rank, e] of exits.entries()) assert.equal(e.code, 0, `rank ${rank} failed:\n${e.stderr}`);
    const [r0, r1] = [0, 1].map((rank) => loadSafetensors(join(dir, `rank-${rank}.safetensors`)).tensors);

    for (const r of [r0!, r1!]) {
      assert.deepEqual(r.allReduceSum!.toArray(), [3, 30]);
      assert.deepEqual(r.allReduceMax!.toArray(), [1, 5]);
      assert.deepEqual(r.broadcast!.toArray(), [[1, 1.5]]);
      assert.deepEqual(r.broadcastInt!.toArray(), [7]);
      assert.deepEqual(r.allGather!.toArray(), [3, 5]);
      assert.ok(r.buckets!.item() > 2, `expected several gradient buckets, got ${r.buckets!.item()}`);
    }
    assert.deepEqual(r0!.allReduceSumGrad!.toArray(), [2, 2, 2]);
    assert.deepEqual(r1!.allReduceSumGrad!.toArray(), [4, 4, 4]);

    // Single-process reference: the whole batch, the same SGD steps.
    const fixture = distributedFixture();
    const net = bnFreeNet();
    const optimizer = new SGD([{ params: net.parameters() }], { lr: 0.05, momentum: 0.9 });
    for (let step = 0; step < fixture.steps; step++) {
      optimizer.zeroGrad();
      F.crossEntropy(net.forward(fixture.images.narrow(0, step * fixture.batch, fixture.batch)), fixture.labels.narrow(0, step * fixture.batch, fixture.batch)).backward();
      optimizer.step();
    }
    for (const [name, p] of net.namedParameters()) {
      const scale = p.abs().max().item();
      assert.ok(r0![`ddp.${name}`]!.sub(p).abs().max().item() <= 1e-5 * scale, `${name}: 2 ranks with half batches drifted from 1 rank with the whole batch`);
      assert.equal(r0![`ddp.${name}`]!.sub(r1![`ddp.${name}`]!).abs().max().item(), 0, `${name}: the ranks disagree`);
    }

    const bnNet = syncBnNet();
    bnNet.train();
    const input = fixture.images.narrow(0, 0, fixture.batch).detach().clone().requiresGrad_();
    const y = bnNet.forward(input);
    y.mul(fixture.upstream).sum().backward();
    const close = (got: Tensor, want: Tensor, what: string): void =>
      assert.ok(got.sub(want).abs().max().item() <= 1e-5 * Math.max(1, want.abs().max().item()), `${what} differs from BatchNorm over the whole batch`);
    close(cat([r0!.syncBnOutput!, r1!.syncBnOutput!]), y, 'SyncBatchNorm output');
    close(cat([r0!.syncBnInputGrad!, r1!.syncBnInputGrad!]), input.grad!, 'SyncBatchNorm input gradient');
    for (const [name, b] of bnNet.namedBuffers()) {
      if (b.dtype === 'float32') close(r0![`syncbn.${name}`]!, b, `running statistic ${name}`);
    }
  });
});

describe('sharded loading', () => {
  const dataset: Dataset = {
    name: 'numbers', kind: 'memory', length: 21, shape: [1, 2, 2], classes: ['a', 'b'],
    images: Uint8Array.from({ length: 21 * 4 }, (_, i) => (37 * i) % 256), labels: Int32Array.from({ length: 21 }, (_, i) => i % 2),
  };

  it('two shards of every batch, concatenated, are the unsharded batches (same augmentation), and empty parts are skipped', async () => {
    const transforms = [{ name: 'randomCrop' as const, size: 2, padding: 1 }, { name: 'horizontalFlip' as const }];
    const collect = async (loader: DataLoader): Promise<Map<number, Tensor>> => {
      const out = new Map<number, Tensor>();
      for await (const b of loader.epoch(1)) {
        out.set(b.index, b.images);
        b.labels.dispose();
      }
      await loader.close();
      return out;
    };
    for (const options of [{ batchSize: 6, shuffle: true, dropLast: true }, { batchSize: 10, shuffle: false, dropLast: false }]) {
      const base = { ...options, seed: 3, transforms, workers: 0 };
      const whole = await collect(new DataLoader(dataset, base));
      const parts: Map<number, Tensor>[] = await Promise.all([0, 1, 2].map((rank) => collect(new DataLoader(dataset, { ...base, shard: { rank, worldSize: 3 } }))));
      for (const [index, images] of whole) {
        const pieces = parts.map((p) => p.get(index)).filter((t) => t !== undefined);
        assert.deepEqual(cat(pieces).toArray(), images.toArray(), `batch ${index}`);
      }
      if (!options.dropLast) {
        // The last batch holds one image: only rank 2 gets it, the others skip the batch.
        assert.deepEqual(parts.map((p) => p.has(2)), [false, false, true]);
      }
    }
  });

  it('rejects a rank outside the world', () => {
    assert.throws(() => new DataLoader(dataset, { batchSize: 2, shard: { rank: 2, worldSize: 2 }, workers: 0 }), /shard rank must be an integer in \[0, worldSize\)/);
  });
});

describe('leanconv train --nproc', () => {
  const dir = tempDir('leanconv-ddp-');
  const data = join(dir, 'data');
  const runs = join(dir, 'runs');
  const common = ['train', '-m', 'cifar_quick', '-d', 'mnist', '--data-dir', data, '--no-augment', '--lr', '0.01', '-b', '32', '--workers', '0', '--out-dir', runs];
  const setup = (): void => {
    if (!existsSync(data)) {
      mkdirSync(data);
      writeMnistDir(data, 256, 28, 10, { randomPixels: 5 });
    }
  };

  it('2 processes with SyncBatchNorm and half batches train the same weights as 1 process', async () => {
    setup();
    const single = await run([CLI, ...common, '-e', '2', '--run-name', 'single']).done;
    assert.equal(single.code, 0, single.stderr);
    const parallel = await run([CLI, ...common, '-e', '2', '--run-name', 'ddp', '--nproc', '2', '--sync-bn']).done;
    assert.equal(parallel.code, 0, parallel.stderr);
    const distance = checkpointDistance(join(runs, 'single', 'last.safetensors'), join(runs, 'ddp', 'last.safetensors'));
    console.log(`1 process vs 2 processes with SyncBN: relative distance ${distance.toExponential(2)}`);
    // Float reduction order alone: channels-last vs NCHW in one process differ by ~7e-7 here.
    assert.ok(distance < 1e-5, `relative distance ${distance}`);
    const log = readFileSync(join(runs, 'ddp', 'log.jsonl'), 'utf8').trim().split('\n');
    assert.equal(log.length, 2, 'rank 0 alone writes the log: one line per epoch');
    const record = JSON.parse(log[1]!) as { test: { count: number } };
    assert.equal(record.test.count, 256, 'the test figures cover every test image once');
    assert.match(parallel.stderr, /2 workers \(rendezvous 127\.0\.0\.1:\d+, 1 threads each; rank 0: pid \d+, rank 1: pid \d+\)/);
  });

  it('a killed worker stops the run with an error naming it; the run resumes from its last checkpoint and ends as an uninterrupted one', async () => {
    setup();
    const uninterrupted = await run([CLI, ...common, '-e', '3', '--run-name', 'whole', '--nproc', '2']).done;
    assert.equal(uninterrupted.code, 0, uninterrupted.stderr);

    const launch = run([CLI, ...common, '-e', '3', '--run-name', 'killed', '--nproc', '2']);
    const checkpoint = join(runs, 'killed', 'last.safetensors');
    await waitFor(() => existsSync(checkpoint), 60, 'the first checkpoint');
    const pid = Number(/rank 1: pid (\d+)/.exec(launch.stderr())![1]);
    process.kill(pid, 'SIGKILL');
    const killed = await launch.done;
    assert.notEqual(killed.code, 0);
    assert.match(killed.stderr, new RegExp(`rank 1 \\(pid ${pid}\\) was killed by SIGKILL; the other workers were stopped`));
    assert.match(killed.stderr, /a worker failed .*--resume RUN_DIR/);

    const resumed = await run([CLI, 'train', '--resume', join(runs, 'killed'), '--nproc', '2', '-q']).done;
    assert.equal(resumed.code, 0, resumed.stderr);
    const distance = checkpointDistance(join(runs, 'whole', 'last.safetensors'), checkpoint);
    console.log(`killed and resumed vs uninterrupted: relative distance ${distance.toExponential(2)}`);
    assert.ok(distance < 1e-6, `resumed run differs from the uninterrupted one by ${distance}`);
    assert.equal(readFileSync(join(runs, 'killed', 'log.jsonl'), 'utf8').trim().split('\n').length, 3);
  });

  it('without a launcher, a worker that dies makes the other fail promptly instead of waiting', async () => {
    setup();
    const port = String(await freePort());
    const env = { WORLD_SIZE: '2', MASTER_PORT: port, LEANCONV_DIST_TIMEOUT: '120' };
    const args = [CLI, ...common, '-e', '3', '--run-name', 'manual'];
    const rank0 = run(args, { ...env, RANK: '0' });
    const rank1 = run(args, { ...env, RANK: '1' });
    await waitFor(() => existsSync(join(runs, 'manual', 'last.safetensors')), 60, 'the first checkpoint');
    const killedAt = performance.now();
    rank1.child.kill('SIGKILL');
    const survivor = await rank0.done;
    await rank1.done;
    assert.equal(survivor.code, 1);
    assert.match(survivor.stderr, /leanconv train: \w+: lost contact with the other workers \(rank 0 of 2; a worker stopped or a collective timed out\): .*(closed by peer|reset by peer)/);
    assert.ok((performance.now() - killedAt) / 1000 < 30, 'rank 0 noticed the lost peer well before the 120 s timeout');
  });
});

describe('launch options', () => {
  it('strips the launcher flags from what workers run, and checks multi-machine settings', () => {
    assert.deepEqual(withoutLaunchOptions(['-m', 'resnet20', '--nproc', '2', '--master-port=29400', '--sync-bn', '--nnodes', '1']), ['-m', 'resnet20', '--sync-bn']);
    assert.equal(launchOptionsFrom({}), undefined);
    assert.deepEqual(launchOptionsFrom({ nproc: '3' }), { nproc: 3, nnodes: 1, nodeRank: 0, masterAddr: '127.0.0.1', masterPort: undefined, timeoutSeconds: undefined });
    assert.throws(() => launchOptionsFrom({ nnodes: '2', nproc: '2' }), /--nnodes > 1 needs --master-addr and --master-port/);
    assert.throws(() => launchOptionsFrom({ nnodes: '2', 'node-rank': '2', 'master-addr': 'a', 'master-port': '1' }), /--node-rank 2 is out of range for --nnodes 2/);
    assert.throws(() => launchOptionsFrom({ 'master-port': '29500' }), /--master-port only apply with --nproc or --nnodes/);
  });
});
