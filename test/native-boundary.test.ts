// The declared native boundary (src/engine/native-ops.ts) against what it declares: the C++ sources (the argument
// accessors each exported function's body calls) and the built addon's exports. The compiler checks every call in
// TypeScript against the declared table; this test keeps the table true.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import { native } from '../src/engine/native.js';
import { NATIVE_OPS } from '../src/engine/native-ops.js';
import { parseNativeOps } from '../scripts/native-ops/parse.js';

const SOURCES = join(import.meta.dirname, '..', '..', 'native', 'src');
const declared = NATIVE_OPS as Record<string, { args: readonly string[]; returns: string | { kind: string } }>;

test('the declared ops are exactly the functions the built addon exports', () => {
  const exported = Object.entries(native).filter(([, v]) => typeof v === 'function').map(([k]) => k).sort();
  assert.deepEqual(exported, Object.keys(declared).sort());
});

test("every declared op's arguments and result are the ones its C++ body reads and returns", () => {
  const parsed = parseNativeOps(SOURCES);
  assert.deepEqual(parsed.map((p) => p.name).sort(), Object.keys(declared).sort(), 'the sources export the declared ops');
  const mismatches: string[] = [];
  for (const op of parsed) {
    const decl = declared[op.name]!;
    const unknown = op.args.findIndex((kind) => kind.startsWith('unknown'));
    if (unknown >= 0) mismatches.push(`${op.name}: argument ${unknown} is read in a way scripts/native-ops/parse.ts does not know (${op.file})`);
    if (JSON.stringify(op.args) !== JSON.stringify(decl.args)) mismatches.push(`${op.name}: declared (${decl.args.join(', ')}), the source reads (${op.args.join(', ')})`);
    const returns = typeof decl.returns === 'string' ? decl.returns : decl.returns.kind;
    const agrees = returns === op.returns || (returns === 'tensor?' && op.returns === 'tensor');
    if (!agrees) mismatches.push(`${op.name}: declared to return ${returns}, the source returns ${op.returns}`);
  }
  assert.deepEqual(mismatches, []);
});
