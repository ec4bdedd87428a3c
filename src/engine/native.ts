// Loads the native addon. Everything in the addon is internal: the typed API lives in tensor.ts and friends.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from '../util/package-root.js';

import type { NativeOps } from './native-ops.js';

export type { NativeHandle } from './native-ops.js';

/** The addon: the functions declared in native-ops.ts, and two values. */
export type NativeAddon = NativeOps & { dtypeCodes: Record<string, number>; cachingAllocator: boolean };

function load(): NativeAddon {
  const path = join(packageRoot(), 'build', 'Release', 'leanconv_native.node');
  if (!existsSync(path)) {
    throw new Error(
      `leanconv: native addon not built (${path} is missing). In a checkout, run \`npm run build:native\`; where ` +
        'leanconv is a dependency, npm 11 skips its install script until allowed: `npm install-scripts approve leanconv` ' +
        'then `npm rebuild leanconv` (needs: sudo apt-get install -y libtorch-dev libopenblas0-openmp).',
    );
  }
  try {
    return createRequire(import.meta.url)(path) as NativeAddon;
  } catch (err) {
    const message = (err as Error).message;
    if (/libtorch|libc10|cannot open shared object/.test(message)) {
      throw new Error(`leanconv: libtorch is not installed or not found (${message}). Install it with: sudo apt-get install -y libtorch-dev`);
    }
    throw err;
  }
}

// A plain copy of the addon's exports, so that observeOps() (trace.ts) can wrap its functions for a while.
export const native: NativeAddon = { ...load() };
