import { convWithEpilogue, foldsConvBn, fusableBnRelu, fusablePreActivation, fusableRelu, preActivatedConv, skippableIdentity, takesEpilogue } from './fusion.js';
import { Module } from './module.js';
/** Children named '0', '1', ... unless given as [name, module] pairs. */
export class Sequential extends Module {
    constructor(...modules) {
        super();
        modules.forEach((m, i) => (Array.isArray(m) ? this.addModule(m[0], m[1]) : this.addModule(String(i), m)));
    }
    get length() {
        return this.namedChildren().length;
    }
    at(index) {
        const children = this.namedChildren();
        const entry = children[index < 0 ? children.length + index : index];
        if (entry === undefined)
            throw new RangeError(`Sequential: index ${index} out of range (length ${children.length})`);
        return entry[1];
    }
    append(module) {
        this.addModule(String(this.length), module);
        return this;
    }
    /** Runs the children in order, releasing each intermediate as soon as the next one has consumed it. */
    forward(x) {
        return runInOrder(this.namedChildren().map(([, m]) => m), x);
    }
}
/**
 * Feeds x through modules in order, disposing every intermediate (never x itself) once consumed. At
 * inference Identity modules are skipped, a Conv2d directly followed by a BatchNorm2d runs as one conv with the
 * BN folded in, a ReLU after a conv runs as the conv's epilogue, and a BatchNorm2d directly followed by a ReLU
 * runs as one pass, and with a Conv2d after them as one pre-activated conv (nn/fusion).
 */
export function runInOrder(layers, x) {
    const modules = layers.some(skippableIdentity) ? layers.filter((m) => !skippableIdentity(m)) : layers;
    let h = x;
    for (let i = 0; i < modules.length; i++) {
        const m = modules[i];
        const following = modules[i + 1];
        let next;
        if (fusablePreActivation(m, following, modules[i + 2])) {
            next = preActivatedConv(m, modules[i + 2], h);
            i += 2;
        }
        else if (foldsConvBn(m, following) || (takesEpilogue(m) && fusableRelu(following))) {
            // A conv (and the BN folded into it) ends with the ReLU after it.
            const norm = foldsConvBn(m, following) ? following : undefined;
            const relu = fusableRelu(modules[i + (norm ? 2 : 1)]);
            next = convWithEpilogue(m, norm, h, { relu });
            i += (norm ? 1 : 0) + (relu ? 1 : 0);
        }
        else if (fusableBnRelu(m, following)) {
            next = m.forwardRelu(h);
            i++;
        }
        else {
            next = m.forward(h);
        }
        if (h !== x && next !== h)
            h.dispose();
        h = next;
    }
    return h === x ? x.view(x.shape) : h;
}
/** An indexed list of modules registered as children '0', '1', ...; it has no forward of its own. */
export class ModuleList extends Module {
    constructor(modules = []) {
        super();
        modules.forEach((m) => this.push(m));
    }
    get length() {
        return this.namedChildren().length;
    }
    push(module) {
        this.addModule(String(this.length), module);
        return this;
    }
    at(index) {
        const entry = this.namedChildren()[index];
        if (entry === undefined)
            throw new RangeError(`ModuleList: index ${index} out of range (length ${this.length})`);
        return entry[1];
    }
    [Symbol.iterator]() {
        return this.namedChildren().map(([, m]) => m)[Symbol.iterator]();
    }
    forward() {
        throw new Error('ModuleList has no forward(); iterate over it instead');
    }
}
//# sourceMappingURL=containers.js.map