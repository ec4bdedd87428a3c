// Op observation: every native op called while `fn` runs is reported, in order, with its arguments and
// result (handles are the tensors' NativeHandles). The engine knows nothing of what observers do with
// it; the ONNX exporter uses it to record a model's forward pass as a graph.
import { readFileSync } from 'node:fs';
import { native } from './native.js';
let observing = false;
/** Runs fn with every native op reported to the observer (not re-entrant). */
export function observeOps(observer, fn) {
    if (observing)
        throw new Error('observeOps: already observing (nested traces are not supported)');
    const originals = [];
    for (const [name, f] of Object.entries(native)) {
        if (typeof f !== 'function')
            continue;
        originals.push([name, f]);
        native[name] = (...args) => {
            const result = f(...args);
            observer(name, args, result);
            return result;
        };
    }
    observing = true;
    try {
        return fn();
    }
    finally {
        for (const [name, f] of originals)
            native[name] = f;
        observing = false;
    }
}
/** The native handle of a tensor (what observers see in `args` and `result`). */
export const handleOf = (t) => t.handle;
/**
 * Runs fn under libtorch's op profiler and returns the self time of every op it dispatched, forward and
 * backward (autograd nodes included), largest first. For benchmarks: profiling slows every op a little.
 * leanconv's own kernels appear as leanconv::<kernel>.
 */
export function profileOps(fn, tracePath) {
    native.startOpProfile(tracePath);
    try {
        fn();
    }
    finally {
        native.stopOpProfile();
    }
    const events = JSON.parse(readFileSync(tracePath, 'utf8')).filter((e) => e.ph === 'X');
    const totals = new Map();
    // Self time: an event's duration minus that of the events nested directly in it on the same thread.
    const byThread = new Map();
    for (const e of events) {
        if (!byThread.has(e.tid))
            byThread.set(e.tid, []);
        byThread.get(e.tid).push(e);
    }
    for (const list of byThread.values()) {
        list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
        const open = [];
        const close = () => {
            const { event, childUs } = open.pop();
            const total = totals.get(event.name) ?? { name: event.name, selfMs: 0, calls: 0 };
            total.selfMs += (event.dur - childUs) / 1000;
            total.calls += 1;
            totals.set(event.name, total);
        };
        for (const event of list) {
            while (open.length && open.at(-1).event.ts + open.at(-1).event.dur <= event.ts)
                close();
            if (open.length)
                open.at(-1).childUs += event.dur;
            open.push({ event, childUs: 0 });
        }
        while (open.length)
            close();
    }
    return [...totals.values()].sort((a, b) => b.selfMs - a.selfMs);
}
//# sourceMappingURL=trace.js.map