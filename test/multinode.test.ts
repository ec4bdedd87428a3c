// Two machines for real: two network namespaces joined by a veth pair, each with an address this test assigns inside
// the namespaces it creates (and removes), so no traffic leaves them. Each namespace runs one node of
// `leanconv train --nnodes 2` with GLOO_SOCKET_IFNAME naming its end of the link. Checked: the same weights as one
// process with the same global batch; a node whose link goes down makes the other stop with a clear error within
// --dist-timeout; then --resume on both nodes finishes the run. Skipped, saying why, where namespaces cannot be made
// (not root, no `ip`).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import '../src/papers/index.js';
import { checkpointDistance, tempDir, waitFor, writeMnistDir } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', 'src', 'cli', 'main.js');
const tag = `lc${process.pid % 100000}`;
const NS = [`${tag}a`, `${tag}b`];
const IFACE = ['veth0', 'veth1'];
const subnet = `10.${200 + (process.pid % 50)}.${process.pid % 250}`;
const ADDR = [`${subnet}.1`, `${subnet}.2`];

function ip(...args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

/** Why namespaces cannot be made here, or undefined when they were made. */
function makeNetwork(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  if (spawnSync('ip', ['-V']).status !== 0) return "no 'ip' command (iproute2)";
  const steps = [
    ['netns', 'add', NS[0]!], ['netns', 'add', NS[1]!],
    ['link', 'add', `${tag}x`, 'type', 'veth', 'peer', 'name', `${tag}y`],
    ['link', 'set', `${tag}x`, 'netns', NS[0]!], ['link', 'set', `${tag}y`, 'netns', NS[1]!],
    ...[0, 1].flatMap((n) => [
      ['-n', NS[n]!, 'link', 'set', n === 0 ? `${tag}x` : `${tag}y`, 'name', IFACE[n]!],
      ['-n', NS[n]!, 'addr', 'add', `${ADDR[n]}/24`, 'dev', IFACE[n]!],
      ['-n', NS[n]!, 'link', 'set', IFACE[n]!, 'up'],
      ['-n', NS[n]!, 'link', 'set', 'lo', 'up'],
    ]),
  ];
  for (const step of steps) {
    const r = ip(...step);
    if (!r.ok) {
      removeNetwork();
      return `cannot set up network namespaces (ip ${step.join(' ')}: ${r.out.trim()})`;
    }
  }
  return undefined;
}

function removeNetwork(): void {
  for (const ns of NS) ip('netns', 'del', ns);
}

interface Exit { code: number | null; stderr: string; seconds: number }

function node(n: number, args: string[]): Promise<Exit> {
  const started = performance.now();
  const child = spawn('ip', ['netns', 'exec', NS[n]!, process.execPath, CLI, ...args], {
    env: { ...process.env, LEANCONV_THREADS: '1', GLOO_SOCKET_IFNAME: IFACE[n]! },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr, seconds: (performance.now() - started) / 1000 })));
}

describe('two nodes in two network namespaces', () => {
  let skip: string | undefined;
  const root = tempDir('lc-multinode-');
  const data = join(root, 'data');
  // One directory for both nodes, as a cluster's shared file system: rank 0 writes the run, and a resumed node 1
  // reads its config and checkpoint there.
  const runs = [join(root, 'runs'), join(root, 'runs')];
  const common = ['train', '-m', 'cifar_quick', '-d', 'mnist', '--data-dir', data, '--no-augment', '--lr', '0.01', '-b', '32', '--workers', '0', '--eval-batch-size', '256'];
  const nodeArgs = (n: number, port: number, extra: string[]): string[] => [
    ...common, '--out-dir', runs[n]!, ...extra, '--nnodes', '2', '--node-rank', String(n), '--master-addr', ADDR[0]!, '--master-port', String(port),
  ];

  before(() => {
    skip = makeNetwork();
    if (skip !== undefined) console.log(`skipping the two-namespace tests: ${skip}`);
    mkdirSync(data);
    writeMnistDir(data, 512, 28, 10, { randomPixels: 9 });
  });
  after(removeNetwork);

  test('each namespace has its address on its end of the link and no route out', (t) => {
    if (skip) return t.skip(skip);
    assert.match(ip('-n', NS[0]!, 'route').out, new RegExp(`${subnet.replace(/\./g, '\\.')}\\.0/24 dev ${IFACE[0]}`));
    assert.doesNotMatch(ip('-n', NS[0]!, 'route').out, /default/, 'no route out of the namespace');
  });

  test('2 nodes (SyncBatchNorm) train the weights 1 process trains with the same global batch', async (t) => {
    if (skip) return t.skip(skip);
    const single = await new Promise<Exit>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...common, '--out-dir', runs[0]!, '-e', '2', '--run-name', 'single'], { env: { ...process.env, LEANCONV_THREADS: '1' } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.resume();
      child.on('exit', (code) => resolve({ code, stderr, seconds: 0 }));
    });
    assert.equal(single.code, 0, single.stderr);
    const port = 29000 + (process.pid % 1000);
    const exits = await Promise.all([0, 1].map((n) => node(n, nodeArgs(n, port, ['-e', '2', '--run-name', 'two', '--sync-bn']))));
    for (const [n, e] of exits.entries()) assert.equal(e.code, 0, `node ${n}:\n${e.stderr}`);
    assert.match(exits[0]!.stderr, new RegExp(`node 0 of 2, rendezvous ${ADDR[0]!.replace(/\./g, '\\.')}:${port}`));
    const distance = checkpointDistance(join(runs[0]!, 'single', 'last.safetensors'), join(runs[0]!, 'two', 'last.safetensors'));
    console.log(`1 process vs 2 nodes: relative distance ${distance.toExponential(2)}`);
    assert.ok(distance < 1e-5, `relative distance ${distance}`);
  });

  test('a node whose link goes down stops the other with a clear error within the timeout; --resume on both finishes', async (t) => {
    if (skip) return t.skip(skip);
    const port = 30000 + (process.pid % 1000);
    const args = (n: number): string[] => nodeArgs(n, port, ['-e', '3', '--run-name', 'cut', '--dist-timeout', '20']);
    const running = [0, 1].map((n) => node(n, args(n)));
    await waitFor(() => existsSync(join(runs[0]!, 'cut', 'last.safetensors')), 120, 'the first checkpoint');
    const cutAt = performance.now();
    ip('-n', NS[1]!, 'link', 'set', IFACE[1]!, 'down');
    const [first] = await Promise.all([running[0]!, running[1]!]);
    const noticed = (performance.now() - cutAt) / 1000;
    ip('-n', NS[1]!, 'link', 'set', IFACE[1]!, 'up');
    console.log(`link down: node 0 stopped after ${noticed.toFixed(1)} s: ${first!.stderr.trim().split('\n').filter((l) => /lost contact|timed out|failed/.test(l))[0] ?? ''}`);
    assert.notEqual(first!.code, 0);
    assert.match(first!.stderr, /lost contact with the other workers|timed out|a worker failed/, first!.stderr);
    assert.ok(noticed < 20 + 15, `node 0 stopped ${noticed.toFixed(0)} s after the link went down (timeout 20 s)`);

    const resumed = await Promise.all([0, 1].map((n) => node(n, [
      'train', '--resume', join(runs[n]!, 'cut'), '--nnodes', '2', '--node-rank', String(n), '--master-addr', ADDR[0]!, '--master-port', String(port + 1),
    ])));
    for (const [n, e] of resumed.entries()) assert.equal(e.code, 0, `node ${n} resume:\n${e.stderr}`);
    assert.match(resumed[0]!.stderr, /resuming .* after epoch \d\/3/);
  });
});
