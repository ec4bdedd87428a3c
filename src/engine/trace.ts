// Op observation: every native op called while `fn` runs is reported, in order, with its arguments and
// result (handles are the tensors' NativeHandles). The engine knows nothing of what observers do with
// it; the ONNX exporter uses it to record a model's forward pass as a graph.
import { readFileSync } from 'node:fs';

import { native, type NativeHandle } from './native.js';
import type { Tensor } from './tensor.js';

export type OpObserver = (op: string, args: readonly unknown[], result: unknown) => void;

let observing = false;

/** Runs fn with every native op reported to the observer (not re-entrant). */
export function observeOps<T>(observer: OpObserver, fn: () => T): T {
  if (observing) throw new Error('observeOps: already observing (nested traces are not supported)');
  const originals: [string, (...args: unknown[]) => unknown][] = [];
  const ops = native as unknown as Record<string, unknown>;
  for (const [name, f] of Object.entries(ops)) {
    if (typeof f !== 'function') continue;
    originals.push([name, f as (...args: unknown[]) => unknown]);
    ops[name] = (...args: unknown[]): unknown => {
      const result = (f as (...a: unknown[]) => unknown)(...args);
      observer(name, args, result);
      return result;
    };
  }
  observing = true;
  try {
    return fn();
  } finally {
    for (const [name, f] of originals) ops[name] = f;
    observing = false;
  }
}

/** The native handle of a tensor (what observers see in `args` and `result`). */
export const handleOf = (t: Tensor): NativeHandle => t.handle;

/** One op's total in a profile: self time (its own, children excluded) and calls, summed over all threads. */
export interface OpTime {
  name: string;
  selfMs: number;
  calls: number;
}

/**
 * Runs fn under libtorch's op profiler and returns the self time of every op it dispatched, forward and
 * backward (autograd nodes included), largest first. For benchmarks: profiling slows every op a little.
 * leanconv's own kernels appear as leanconv::<kernel>.
 */
export function profileOps(fn: () => void, tracePath: string): OpTime[] {
  native.startOpProfile(tracePath);
  try {
    fn();
  } finally {
    native.stopOpProfile();
  }
  interface TraceEvent { name: string; ph: string; ts: number; dur: number; tid: number | string }
  const events = (JSON.parse(readFileSync(tracePath, 'utf8')) as TraceEvent[]).filter((e) => e.ph === 'X');
  const totals = new Map<string, OpTime>();
  // Self time: an event's duration minus that of the events nested directly in it on the same thread.
  const byThread = new Map<number | string, TraceEvent[]>();
  for (const e of events) {
    if (!byThread.has(e.tid)) byThread.set(e.tid, []);
    byThread.get(e.tid)!.push(e);
  }
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const open: { event: TraceEvent; childUs: number }[] = [];
    const close = (): void => {
      const { event, childUs } = open.pop()!;
      const total = totals.get(event.name) ?? { name: event.name, selfMs: 0, calls: 0 };
      total.selfMs += (event.dur - childUs) / 1000;
      total.calls += 1;
      totals.set(event.name, total);
    };
    for (const event of list) {
      while (open.length && open.at(-1)!.event.ts + open.at(-1)!.event.dur <= event.ts) close();
      if (open.length) open.at(-1)!.childUs += event.dur;
      open.push({ event, childUs: 0 });
    }
    while (open.length) close();
  }
  return [...totals.values()].sort((a, b) => b.selfMs - a.selfMs);
}
