// Prints the native op table as parsed from native/src (see parse.ts), in the form of src/engine/native-ops.ts.
import { join } from 'node:path';

import { parseNativeOps } from './parse.js';

const root = join(import.meta.dirname, '..', '..', '..');
for (const op of parseNativeOps(join(root, 'native', 'src'))) {
  process.stdout.write(`  ${op.name}: op([${op.args.map((a) => `'${a}'`).join(', ')}], '${op.returns}'),\n`);
}
