// Op observation: every native op called while `fn` runs is reported, in order, with its arguments and
// result (handles are the tensors' NativeHandles). The engine knows nothing of what observers do with
// it; the ONNX exporter uses it to record a model's forward pass as a graph.
import { native, type NativeHandle } from './native.js';
import type { Tensor } from './tensor.js';

export type OpObserver = (op: string, args: readonly unknown[], result: unknown) => void;

let observing = false;

/** Runs fn with every native op reported to the observer (not re-entrant). */
export function observeOps<T>(observer: OpObserver, fn: () => T): T {
  if (observing) throw new Error('observeOps: already observing (nested traces are not supported)');
  const originals: [string, (...args: unknown[]) => unknown][] = [];
  for (const [name, f] of Object.entries(native)) {
    if (typeof f !== 'function') continue;
    originals.push([name, f as (...args: unknown[]) => unknown]);
    native[name] = (...args: unknown[]): unknown => {
      const result = (f as (...a: unknown[]) => unknown)(...args);
      observer(name, args, result);
      return result;
    };
  }
  observing = true;
  try {
    return fn();
  } finally {
    for (const [name, f] of originals) native[name] = f;
    observing = false;
  }
}

/** The native handle of a tensor (what observers see in `args` and `result`). */
export const handleOf = (t: Tensor): NativeHandle => t.handle;
