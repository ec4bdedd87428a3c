// The four papers. Each is a folder whose files are named after the layer they belong to (blocks, models, convert,
// interop, analysis, experiments, recipes) and whose index registers everything the paper adds; a paper plugs in with
// one line here (docs/architecture.md, "Adding a paper").
export * as acnet from './acnet/index.js';
export * as condensenet from './condensenet/index.js';
export * as dgconv from './dgconv/index.js';
export * as hcgnet from './hcgnet/index.js';
