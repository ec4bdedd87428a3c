// Bundles the page of `leanconv serve` (web/app.ts, type-checked by `tsc -p web`) into dist/web with esbuild.
import { copyFileSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

mkdirSync('dist/web', { recursive: true });
await build({ entryPoints: ['web/app.ts'], bundle: true, format: 'esm', target: 'es2022', outfile: 'dist/web/app.js', logLevel: 'warning' });
copyFileSync('web/index.html', 'dist/web/index.html');
