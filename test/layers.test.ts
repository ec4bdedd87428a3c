// The layering of src/ (docs/architecture.md): each layer imports only from the layers below it (and util, which
// imports none of them). A paper's folder (src/papers/<paper>/) holds one file per layer it adds to, named after
// that layer (blocks.ts, models.ts, ...); its files obey the same order, import nothing of another paper, and no
// shared file imports a paper: the papers plug in through registries, loaded by src/papers/index.ts (which only
// the library's entry point and the command line import). Type-only imports are left out: they vanish from the
// compiled code (models' registry names data's TransformSpec type for a spec's preprocessing).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const LAYERS = ['engine', 'nn', 'blocks', 'models', 'convert', 'data', 'interop', 'train', 'recipes', 'deploy', 'analysis', 'report', 'experiments', 'papers', 'cli'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? files(path) : f.endsWith('.ts') ? [path] : [];
  });
}

/** A file's layer and, for a paper's file, its paper. */
function place(file: string): { layer: string; paper?: string } {
  const parts = relative(SRC, file).split(sep);
  if (parts[0] !== 'papers') return { layer: parts.length === 1 ? 'entry' : parts[0]! };
  if (parts.length === 2) return { layer: 'papers' };
  const name = parts[2]!.replace(/\.ts$/, '');
  return { layer: name === 'index' ? 'papers' : name, paper: parts[1]! };
}

function violations(): string[] {
  const found: string[] = [];
  for (const file of files(SRC)) {
    const from = place(file);
    if (from.layer === 'entry') continue; // src/index.ts: the library's entry point re-exports every layer
    const source = readFileSync(file, 'utf8');
    const imports = source.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^;'"]*?from\s+)?'(\.{1,2}\/[^']+)'/gm);
    for (const [, typeOnly, spec] of imports) {
      if (typeOnly !== undefined) continue;
      const to = place(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')));
      const name = relative(SRC, file);
      if (to.layer === 'util') continue;
      if (from.layer === 'util') {
        found.push(`${name} (util) imports ${to.layer}`);
      } else if (to.paper !== undefined && to.paper !== from.paper && !(from.layer === 'papers' && from.paper === undefined && to.layer === 'papers')) {
        // Only src/papers/index.ts reaches into a paper, through the paper's own index.
        found.push(`${name} imports a file of paper ${to.paper}`);
      } else if (to.layer === 'papers' && to.paper === undefined && from.layer !== 'cli') {
        found.push(`${name} loads the papers (only the entry point and the command line do)`);
      } else if (!LAYERS.includes(to.layer) || LAYERS.indexOf(to.layer) > LAYERS.indexOf(from.layer)) {
        found.push(`${name} (${from.layer}) imports ${to.layer}`);
      }
    }
  }
  return found;
}

test('no import runs back up the layers, no shared file imports a paper, util imports none of them', () => {
  assert.deepEqual(violations(), []);
  // Every directory of src/ has its place, and every file of a paper is named after a layer.
  const dirs = readdirSync(SRC).filter((d) => statSync(join(SRC, d)).isDirectory());
  assert.deepEqual(dirs.filter((d) => d !== 'util' && !LAYERS.includes(d)), []);
  const paperFiles = files(join(SRC, 'papers')).map(place).filter((p) => p.paper !== undefined);
  assert.deepEqual(paperFiles.filter((p) => p.layer !== 'papers' && !LAYERS.includes(p.layer)), []);
  assert.ok(paperFiles.length >= 20, 'the four papers\' files are found');
});

test('each paper plugs in with one line of src/papers/index.ts, its folder\'s index', () => {
  const papers = readdirSync(join(SRC, 'papers')).filter((d) => statSync(join(SRC, 'papers', d)).isDirectory()).sort();
  const code = readFileSync(join(SRC, 'papers', 'index.ts'), 'utf8').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('//'));
  assert.deepEqual(code, papers.map((p) => `export * as ${p} from './${p}/index.js';`));
  assert.deepEqual(papers, ['acnet', 'condensenet', 'dgconv', 'hcgnet']);
});
