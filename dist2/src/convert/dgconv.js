// DGConv conversion support. A DGConv's deploy structure (group count, channel order) follows from its
// binary gates, so a deploy-form checkpoint records them (form.dgGates, by layer path) and the deploy
// model is rebuilt by setting them before the blocks are converted and the weights loaded.
import { DGConv2d } from '../blocks/dgconv.js';
/** The binary gates of every DGConv2d by path (undefined without any). */
export function dgGatesOf(model) {
    const gates = {};
    for (const [path, m] of model.namedModules())
        if (m instanceof DGConv2d)
            gates[path] = m.gateValues();
    return Object.keys(gates).length ? gates : undefined;
}
/** Sets every DGConv2d's gates from a record of dgGatesOf; a record that does not fit the model is an error naming the layer. */
export function assumeDgGates(model, gates) {
    const layers = new Map([...model.namedModules()].filter((e) => e[1] instanceof DGConv2d));
    const unknown = Object.keys(gates).filter((p) => !layers.has(p));
    const missing = [...layers.keys()].filter((p) => !(p in gates));
    if (unknown.length || missing.length) {
        throw new Error(`the recorded DGConv gates do not fit the model (${[
            unknown.length ? `no DGConv2d at ${unknown.join(', ')}` : '', missing.length ? `no gates for ${missing.join(', ')}` : '',
        ].filter(Boolean).join('; ')})`);
    }
    for (const [path, layer] of layers)
        layer.restoreStructure(gates[path]);
}
//# sourceMappingURL=dgconv.js.map