// The papers' own FLOPs and parameter conventions, reproduced so their tables can be checked. Each paper registers
// its convention beside its models (papers/<paper>/analysis.ts); a model spec names it (`flopsConvention`) and
// `leanconv info` prints the count next to leanconv's own, which counts what is executed.
import type { Module } from '../nn/module.js';

export interface ReferenceCount {
  /** The convention's name, e.g. 'condensenet'. */
  convention: string;
  /** What the paper's counter calls FLOPs. */
  flops: number;
  params: number;
  /** What the convention counts, in a line. */
  description: string;
  /** Where the convention is known to be wrong, with the size of the error. */
  note?: string;
}

export interface FlopsConvention {
  name: string;
  /** What it counts, in a line. */
  description: string;
  count(model: Module, input: readonly number[]): { flops: number; params: number; note?: string };
}

const CONVENTIONS = new Map<string, FlopsConvention>();

export function registerFlopsConvention(convention: FlopsConvention): void {
  if (CONVENTIONS.has(convention.name)) throw new Error(`FLOPs convention '${convention.name}' is already registered`);
  CONVENTIONS.set(convention.name, convention);
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The FLOPs and params of `model` on one [C, H, W] input under a paper's convention. */
export function referenceCount(convention: string, model: Module, input: readonly number[]): ReferenceCount {
  const c = CONVENTIONS.get(convention);
  if (c === undefined) throw new RangeError(`unknown FLOPs convention '${convention}' (known: ${[...CONVENTIONS.keys()].join(', ')})`);
  return { convention, description: c.description, ...c.count(model, input) };
}

export function formatReferenceCount(r: ReferenceCount): string {
  const m = (v: number): string => `${(v / 1e6).toFixed(2)}M`;
  return `${r.convention} convention (${r.description}): ${m(r.flops)} FLOPs, ${(r.params / 1e6).toFixed(4)}M params${r.note ? `\n  note: ${r.note}` : ''}`;
}
