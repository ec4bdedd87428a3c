// Learned structure: what a block learned in training that fixes the shape of its deploy form (CondenseNet's
// condensation stage, DGConv's binary gates). Such a block exports it as JSON and restores it on a fresh model
// before the weights are loaded; checkpoints record it by module path (form.structure), so a deploy checkpoint
// rebuilds with the right widths and groups without the checkpoint code knowing any paper.
//
// Checkpoints written before this protocol recorded one form field per family (condenseStage for every learned
// group conv, dgGates by path). A block class names its field (legacyFormField), so those checkpoints still load,
// and new checkpoints write the field too, for readers that predate the protocol.
import type { Module } from './module.js';

export interface LearnedStructure {
  /** What the block learned that fixes its deploy structure, as JSON. */
  exportStructure(): unknown;
  /**
   * Puts the block into a valid state of that structure (weights aside: they are loaded next). undefined: no record
   * (the block's final state where it has one, an error otherwise).
   */
  restoreStructure(structure: unknown): void;
}

/** The form field a block family used before form.structure: one value for all its layers, or a record by path. */
export interface LegacyFormField {
  key: string;
  perLayer: boolean;
}

export function hasLearnedStructure(m: Module): m is Module & LearnedStructure {
  const s = m as Partial<LearnedStructure>;
  return typeof s.exportStructure === 'function' && typeof s.restoreStructure === 'function';
}

const legacyFieldOf = (m: Module): LegacyFormField | undefined => (m.constructor as { legacyFormField?: LegacyFormField }).legacyFormField;

const structuredModules = (model: Module): [string, Module & LearnedStructure][] =>
  [...model.namedModules()].filter((e): e is [string, Module & LearnedStructure] => hasLearnedStructure(e[1]));

/**
 * The learned structure of every block that has one, by path, and the same in the legacy form fields (undefined
 * when the model has none).
 */
export function learnedStructureOf(model: Module): { structure: Record<string, unknown>; legacy: Record<string, unknown> } | undefined {
  const modules = structuredModules(model);
  if (modules.length === 0) return undefined;
  const structure: Record<string, unknown> = {};
  const legacy: Record<string, unknown> = {};
  for (const [path, m] of modules) {
    const value = m.exportStructure();
    structure[path] = value;
    const field = legacyFieldOf(m);
    if (field === undefined) continue;
    if (field.perLayer) legacy[field.key] = { ...(legacy[field.key] as object | undefined), [path]: value };
    else if (legacy[field.key] === undefined || legacy[field.key] === value) legacy[field.key] = value;
    else throw new Error(`the model's ${m.constructor.name}s disagree on ${field.key} (${String(legacy[field.key])} and ${String(value)} at ${path})`);
  }
  return { structure, legacy };
}

/**
 * Restores every structured block from a record by path (form.structure), or from the legacy form fields when the
 * form has no record. A record that names a path without such a block is an error naming it; a block without a
 * record restores `undefined` (its final state, or an error of its own).
 */
export function restoreLearnedStructure(model: Module, form: { structure?: Record<string, unknown> } & Record<string, unknown>): void {
  const modules = structuredModules(model);
  if (form.structure !== undefined) {
    const known = new Set(modules.map(([path]) => path));
    const unknown = Object.keys(form.structure).filter((p) => !known.has(p));
    if (unknown.length) throw new Error(`the recorded learned structure does not fit the model (no structured block at ${unknown.join(', ')})`);
  }
  for (const [path, m] of modules) {
    if (form.structure !== undefined) {
      m.restoreStructure(form.structure[path]);
      continue;
    }
    const field = legacyFieldOf(m);
    const value = field === undefined ? undefined : form[field.key];
    m.restoreStructure(field?.perLayer ? (value as Record<string, unknown> | undefined)?.[path] : value);
  }
}
