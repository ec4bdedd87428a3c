// The layering of src/ (docs/architecture.md): each directory imports only from the layers below it (and util, which
// imports none of them). Type-only imports are left out: they vanish from the compiled code (models' registry names
// data's TransformSpec type for a spec's preprocessing).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const LAYERS = ['engine', 'nn', 'blocks', 'models', 'convert', 'data', 'interop', 'train', 'deploy', 'analysis', 'report', 'experiments', 'recipes', 'cli'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? files(path) : f.endsWith('.ts') ? [path] : [];
  });
}

test('no import runs back up the layers, and util imports none of them', () => {
  const violations: string[] = [];
  for (const layer of [...LAYERS, 'util']) {
    for (const file of files(join(SRC, layer))) {
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'\.\.\/([a-z-]+)\//gm)) {
        if (m[1] !== undefined) continue;
        const target = m[2]!;
        if (target === 'util') continue;
        const allowed = layer !== 'util' && LAYERS.indexOf(target) >= 0 && LAYERS.indexOf(target) <= LAYERS.indexOf(layer);
        if (!allowed) violations.push(`${file.slice(SRC.length + 1)} imports ${target}`);
      }
    }
  }
  assert.deepEqual(violations, []);
  // Every directory of src/ has its place.
  const dirs = readdirSync(SRC).filter((d) => statSync(join(SRC, d)).isDirectory());
  assert.deepEqual(dirs.filter((d) => d !== 'util' && !LAYERS.includes(d)), []);
});
