// Mutation testing on demand (`npm run test:mutation`; not in CI: it runs test files once per mutant). Each mutant
// of catalogue.mjs is written into the compiled file under dist/src (no rebuild: the TypeScript output keeps the
// code's text), the test files it names run, and the mutant counts as killed when they fail. The compiled file is
// restored after each mutant, also on Ctrl-C. Writes bench/results/<out>.md and .json with the score and every
// survivor.
//
//   node scripts/mutation/run.mjs [--only id,id] [--out mutation] [--timeout 600]
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { MUTANTS } from './catalogue.mjs';

const root = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { only: { type: 'string' }, out: { type: 'string' }, timeout: { type: 'string' } } });
const only = values.only?.split(',');
const mutants = only ? MUTANTS.filter((m) => only.includes(m.id)) : MUTANTS;
if (only && mutants.length !== only.length) throw new Error(`unknown mutant ids: ${only.filter((id) => !MUTANTS.some((m) => m.id === id)).join(', ')}`);
const timeout = Number(values.timeout ?? 600) * 1000;
const out = values.out ?? 'mutation';

const testFiles = (names) => names.map((n) => join(root, 'dist', 'test', `${n}.test.js`));
const runTests = (names) => {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...testFiles(names)], { cwd: root, encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  const failed = /^# fail (\d+)/m.exec(r.stdout ?? '');
  return { passed: r.status === 0, timedOut: r.signal !== null, failures: failed ? Number(failed[1]) : undefined, seconds: (performance.now() - start) / 1000 };
};

let restore;
process.on('SIGINT', () => {
  restore?.();
  process.exit(130);
});

// The tests must pass on the code as it is, or no mutant result means anything.
const needed = [...new Set(mutants.flatMap((m) => m.tests))];
process.stdout.write(`mutation: checking that ${needed.length} test files pass unmutated ... `);
const baseline = runTests(needed);
if (!baseline.passed) throw new Error(`the test files fail without any mutant (${needed.join(', ')}): fix them first`);
process.stdout.write(`ok (${baseline.seconds.toFixed(0)} s)\n`);

const results = [];
for (const m of mutants) {
  const file = join(root, 'dist', 'src', m.file);
  const original = readFileSync(file, 'utf8');
  const count = original.split(m.from).length - 1;
  if (count !== 1) {
    results.push({ ...m, status: 'invalid', detail: `the text occurs ${count} times in dist/src/${m.file}` });
    process.stdout.write(`  ${m.id}: INVALID (${count} occurrences)\n`);
    continue;
  }
  if (m.equivalent) {
    results.push({ ...m, status: 'equivalent' });
    continue;
  }
  restore = () => writeFileSync(file, original);
  writeFileSync(file, original.replace(m.from, m.to));
  let r;
  try {
    r = runTests(m.tests);
  } finally {
    restore();
    restore = undefined;
  }
  const status = r.timedOut ? 'killed (timeout)' : r.passed ? 'survived' : 'killed';
  results.push({ ...m, status, seconds: Math.round(r.seconds), failures: r.failures });
  process.stdout.write(`  ${m.id}: ${status}${r.failures ? ` (${r.failures} failing)` : ''}, ${r.seconds.toFixed(0)} s\n`);
}

const counted = results.filter((r) => r.status.startsWith('killed') || r.status === 'survived');
const killed = counted.filter((r) => r.status.startsWith('killed')).length;
const score = counted.length ? killed / counted.length : 0;
const survivors = results.filter((r) => r.status === 'survived');
const invalid = results.filter((r) => r.status === 'invalid');
const command = `node scripts/mutation/run.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
const md = [
  `# Mutation testing (${new Date().toISOString().slice(0, 10)})`,
  '',
  `Command: \`${command}\` (after \`npm run build\`). Score: **${killed} of ${counted.length} mutants killed (${(100 * score).toFixed(1)}%)**` +
    `${invalid.length ? `; ${invalid.length} invalid (text not found once)` : ''}.`,
  '',
  '| mutant | file | bug | tests | result |',
  '|---|---|---|---|---|',
  ...results.map((r) => `| ${r.id} | ${r.file.replace(/\.js$/, '.ts')} | ${r.why} | ${r.tests.join(', ')} | ${r.status}${r.failures ? ` (${r.failures} failing)` : ''} |`),
  '',
  survivors.length ? `Survivors: ${survivors.map((s) => s.id).join(', ')}.` : 'No survivors.',
  '',
].join('\n');
writeFileSync(join(root, 'bench', 'results', `${out}.md`), md);
writeFileSync(join(root, 'bench', 'results', `${out}.json`), `${JSON.stringify({ command, score, killed, counted: counted.length, results }, null, 2)}\n`);
process.stdout.write(`mutation: ${killed}/${counted.length} killed (${(100 * score).toFixed(1)}%); bench/results/${out}.md\n`);
if (invalid.length) process.exitCode = 1;
