// Params and multiply-accumulates per layer, counted by running the model once on a real input: every
// leaf module's forward is wrapped for the run to record the shapes it actually saw, so strides,
// padding, dilation and groups are accounted for exactly as executed. The MAC counts come from the counters
// registered by module type (nn/macs.ts; blocks register theirs beside their code). A composite module with a
// counter of its own (a learned group conv or a DGConv, which convolve with a masked weight rather than
// calling their conv child) is measured as one unit.
import { noGrad } from '../engine/autograd.js';
import { tidy } from '../engine/scope.js';
import { zeros } from '../engine/tensor.js';
import { withoutEvalFusion } from '../nn/fusion.js';
import { counterFor } from '../nn/macs.js';
export { registerMacCounter } from '../nn/macs.js';
/** Profiles `model` on one zero input of shape [1, ...inputShape] (C, H, W) in eval mode; restores the mode. */
export function profileModel(model, inputShape) {
    const layers = [];
    const restore = [];
    const units = [];
    for (const [name, m] of model.namedModules()) {
        if (name === '' || units.some((u) => name.startsWith(`${u}.`)))
            continue;
        const counter = counterFor(m);
        if (m.namedChildren().length > 0 && counter === undefined)
            continue;
        if (m.namedChildren().length > 0)
            units.push(name);
        const ownParams = m.namedParameters().reduce((s, [, p]) => s + p.numel, 0);
        const original = m.forward;
        let entry;
        m.forward = (x) => {
            const y = original.call(m, x);
            const macs = counter ? counter(m, x.shape, y.shape) : 0;
            if (entry === undefined) {
                entry = { name, type: m.constructor.name, inputShape: [...x.shape], outputShape: [...y.shape], params: ownParams, macs, calls: 1 };
                layers.push(entry);
            }
            else {
                entry.macs += macs;
                entry.calls++;
            }
            return y;
        };
        restore.push(() => {
            delete m.forward;
            if (m.forward !== original)
                m.forward = original;
        });
    }
    const wasTraining = model.training;
    model.eval();
    try {
        const outputShape = tidy(() => noGrad(() => withoutEvalFusion(() => [...model.forward(zeros([1, ...inputShape])).shape])));
        return {
            params: model.numParameters(),
            macs: layers.reduce((s, l) => s + l.macs, 0),
            inputShape: [1, ...inputShape],
            outputShape,
            layers,
        };
    }
    finally {
        for (const r of restore)
            r();
        model.train(wasTraining);
    }
}
/** A fixed-width table of a profile, one row per layer that has parameters or MACs. */
export function formatProfile(profile, options = {}) {
    const n = (v) => v.toLocaleString('en-US');
    const lines = [];
    if (options.layers) {
        const rows = profile.layers.filter((l) => l.params > 0 || l.macs > 0);
        const w = Math.max(5, ...rows.map((r) => r.name.length));
        lines.push(`${'layer'.padEnd(w)}  ${'type'.padEnd(12)} ${'output'.padEnd(18)} ${'params'.padStart(12)} ${'MACs'.padStart(16)}`);
        for (const r of rows) {
            lines.push(`${r.name.padEnd(w)}  ${r.type.padEnd(12)} ${`[${r.outputShape.join(', ')}]`.padEnd(18)} ${n(r.params).padStart(12)} ${n(r.macs).padStart(16)}`);
        }
        lines.push('');
    }
    lines.push(`input [${profile.inputShape.join(', ')}] -> output [${profile.outputShape.join(', ')}]`);
    lines.push(`params: ${n(profile.params)}`);
    lines.push(`MACs (conv + linear, per image): ${n(profile.macs)} (${(profile.macs / 1e9).toFixed(3)} G)`);
    return lines.join('\n');
}
//# sourceMappingURL=profile.js.map