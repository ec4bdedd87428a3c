import { Conv2d, Linear } from './layers.js';
const counters = new Map();
/** Teaches the profiler the MAC count of a layer type (later papers register their own layers). */
export function registerMacCounter(type, counter) {
    counters.set(type, counter);
}
// Conv: every output element takes (Cin/groups)*kh*kw multiply-accumulates.
export const convMacs = (m, _input, output) => {
    const c = m;
    const perOutput = (c.inChannels / c.groups) * c.kernelSize[0] * c.kernelSize[1];
    return (output.slice(1).reduce((a, b) => a * b, 1)) * perOutput;
};
registerMacCounter(Conv2d, convMacs);
registerMacCounter(Linear, (m, input) => {
    const l = m;
    const rows = input.slice(1, -1).reduce((a, b) => a * b, 1);
    return rows * l.inFeatures * l.outFeatures;
});
/** The counter registered for the module's class or its nearest ancestor class. */
export function counterFor(m) {
    for (let proto = Object.getPrototypeOf(m); proto !== null; proto = Object.getPrototypeOf(proto)) {
        const c = counters.get(proto.constructor);
        if (c !== undefined)
            return c;
    }
    return undefined;
}
//# sourceMappingURL=macs.js.map