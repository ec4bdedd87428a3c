// Leaf layers: convolution, normalisation, linear, activations, pooling, dropout, reshaping.
import * as F from '../engine/functional.js';
import { empty, ones, scalar, zeros } from '../engine/tensor.js';
import { pytorchDefault_ } from './init.js';
import { Module } from './module.js';
const pair = (v) => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
const fmt = (v) => (v[0] === v[1] ? String(v[0]) : `(${v[0]}, ${v[1]})`);
function positiveInt(value, what, owner) {
    if (!Number.isInteger(value) || value < 1)
        throw new RangeError(`${owner}: ${what} must be a positive integer, got ${value}`);
    return value;
}
export class Conv2d extends Module {
    inChannels;
    outChannels;
    kernelSize;
    stride;
    padding;
    dilation;
    groups;
    constructor(inChannels, outChannels, kernelSize, options = {}) {
        super();
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        positiveInt(inChannels, 'inChannels', 'Conv2d');
        positiveInt(outChannels, 'outChannels', 'Conv2d');
        this.kernelSize = pair(kernelSize);
        this.stride = pair(options.stride ?? 1);
        this.padding = pair(options.padding ?? 0);
        this.dilation = pair(options.dilation ?? 1);
        this.groups = positiveInt(options.groups ?? 1, 'groups', 'Conv2d');
        if (inChannels % this.groups || outChannels % this.groups) {
            throw new RangeError(`Conv2d: groups=${this.groups} must divide inChannels=${inChannels} and outChannels=${outChannels}`);
        }
        this.addParameter('weight', empty([outChannels, inChannels / this.groups, ...this.kernelSize]));
        if (options.bias ?? true)
            this.addParameter('bias', empty([outChannels]));
        pytorchDefault_(this.weight, this.bias);
    }
    forward(x) {
        return this.forwardWithEpilogue(x, {});
    }
    /** relu(conv(x) + residual) as one op (F.conv2d's epilogue): how runInOrder and residual blocks end a conv at inference. */
    forwardWithEpilogue(x, epilogue) {
        return F.conv2d(x, this.weight, { bias: this.bias, stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups, ...epilogue });
    }
    extraRepr() {
        let s = `${this.inChannels}, ${this.outChannels}, kernel=${fmt(this.kernelSize)}, stride=${fmt(this.stride)}`;
        if (this.padding[0] || this.padding[1])
            s += `, padding=${fmt(this.padding)}`;
        if (this.dilation[0] !== 1 || this.dilation[1] !== 1)
            s += `, dilation=${fmt(this.dilation)}`;
        if (this.groups !== 1)
            s += `, groups=${this.groups}`;
        if (this.bias === undefined)
            s += ', bias=false';
        return s;
    }
}
/** Batch normalisation over dim 1; the running statistics are buffers, as PyTorch's. */
export class BatchNorm extends Module {
    numFeatures;
    eps;
    momentum;
    constructor(numFeatures, options = {}) {
        super();
        this.numFeatures = numFeatures;
        positiveInt(numFeatures, 'numFeatures', this.constructor.name);
        this.eps = options.eps ?? 1e-5;
        this.momentum = options.momentum ?? 0.1;
        if (options.affine ?? true) {
            this.addParameter('weight', ones([numFeatures]));
            this.addParameter('bias', zeros([numFeatures]));
        }
        this.addBuffer('running_mean', zeros([numFeatures]));
        this.addBuffer('running_var', ones([numFeatures]));
        this.addBuffer('num_batches_tracked', scalar(0, { dtype: 'int64' }));
    }
    forward(x) {
        return this.normalize(x, false);
    }
    /** forward then ReLU, in one pass where the engine's kernel allows it (runInOrder uses it for BN -> ReLU). */
    forwardRelu(x) {
        return this.normalize(x, true);
    }
    normalize(x, relu) {
        this.checkInput(x);
        if (this.training)
            this.num_batches_tracked.add_(1);
        return F.batchNorm(x, this.running_mean, this.running_var, {
            weight: this.weight, bias: this.bias, training: this.training, momentum: this.momentum, eps: this.eps, relu,
        });
    }
    checkInput(x) {
        if (!this.inputDims.includes(x.ndim)) {
            throw new RangeError(`${this.constructor.name}: expected a ${this.inputDims.join('-d or ')}-d input, got shape [${x.shape.join(', ')}]`);
        }
        if (this.training && x.numel / x.size(1) === 1) {
            // libtorch would fail deep inside with "Expected more than 1 value per channel when training".
            throw new RangeError(`${this.constructor.name}: training mode needs more than one value per channel, got input [${x.shape.join(', ')}] ` +
                '(a batch of 1 through a layer that normalises pooled vectors); use a batch of at least 2, or eval()');
        }
    }
    extraRepr() {
        return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}${this.weight ? '' : ', affine=false'}`;
    }
}
export class BatchNorm1d extends BatchNorm {
    inputDims = [2, 3];
}
export class BatchNorm2d extends BatchNorm {
    inputDims = [4];
}
/** Group normalisation (torch.nn.GroupNorm): statistics over groups of channels of each sample, no running statistics. */
export class GroupNorm extends Module {
    numGroups;
    numChannels;
    eps;
    constructor(numGroups, numChannels, options = {}) {
        super();
        this.numGroups = numGroups;
        this.numChannels = numChannels;
        positiveInt(numGroups, 'numGroups', 'GroupNorm');
        positiveInt(numChannels, 'numChannels', 'GroupNorm');
        if (numChannels % numGroups !== 0)
            throw new RangeError(`GroupNorm: ${numChannels} channels cannot be split into ${numGroups} groups`);
        this.eps = options.eps ?? 1e-5;
        if (options.affine ?? true) {
            this.addParameter('weight', ones([numChannels]));
            this.addParameter('bias', zeros([numChannels]));
        }
    }
    forward(x) {
        return F.groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
    }
    extraRepr() {
        return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}${this.weight ? '' : ', affine=false'}`;
    }
}
export class Linear extends Module {
    inFeatures;
    outFeatures;
    constructor(inFeatures, outFeatures, options = {}) {
        super();
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        positiveInt(inFeatures, 'inFeatures', 'Linear');
        positiveInt(outFeatures, 'outFeatures', 'Linear');
        this.addParameter('weight', empty([outFeatures, inFeatures]));
        if (options.bias ?? true)
            this.addParameter('bias', empty([outFeatures]));
        pytorchDefault_(this.weight, this.bias);
    }
    forward(x) {
        return F.linear(x, this.weight, this.bias);
    }
    /** A new Linear of the same kind and inputs with `outFeatures` outputs, freshly initialised (a classifier for another class count). */
    resized(outFeatures) {
        return new Linear(this.inFeatures, outFeatures, { bias: this.bias !== undefined });
    }
    extraRepr() {
        return `${this.inFeatures}, ${this.outFeatures}${this.bias ? '' : ', bias=false'}`;
    }
}
// --- activations ----------------------------------------------------------------------------------------
/** A parameter-free elementwise module. */
class Activation extends Module {
    forward(x) {
        return this.fn(x);
    }
}
export class ReLU extends Activation {
    fn = F.relu;
}
export class ReLU6 extends Activation {
    fn = F.relu6;
}
export class Sigmoid extends Activation {
    fn = F.sigmoid;
}
export class Tanh extends Activation {
    fn = F.tanh;
}
export class SiLU extends Activation {
    fn = F.silu;
}
export class GELU extends Activation {
    fn = F.gelu;
}
export class Hardswish extends Activation {
    fn = F.hardswish;
}
export class LeakyReLU extends Activation {
    negativeSlope;
    constructor(negativeSlope = 0.01) {
        super();
        this.negativeSlope = negativeSlope;
    }
    fn = (x) => F.leakyRelu(x, this.negativeSlope);
    extraRepr() { return `negativeSlope=${this.negativeSlope}`; }
}
// --- pooling ------------------------------------------------------------------------------------------
export class MaxPool2d extends Module {
    options;
    constructor(options) {
        super();
        this.options = options;
    }
    forward(x) { return F.maxPool2d(x, this.options); }
    extraRepr() { return JSON.stringify(this.options); }
}
export class AvgPool2d extends Module {
    options;
    constructor(options) {
        super();
        this.options = options;
    }
    forward(x) { return F.avgPool2d(x, this.options); }
    extraRepr() { return JSON.stringify(this.options); }
}
export class AdaptiveAvgPool2d extends Module {
    outputSize;
    constructor(outputSize) {
        super();
        this.outputSize = outputSize;
    }
    forward(x) { return F.adaptiveAvgPool2d(x, this.outputSize); }
    extraRepr() { return `outputSize=${fmt(pair(this.outputSize))}`; }
}
// --- other --------------------------------------------------------------------------------------------
export class Dropout extends Module {
    p;
    constructor(p = 0.5) {
        super();
        this.p = p;
        if (!(p >= 0 && p <= 1))
            throw new RangeError(`Dropout: p must be in [0, 1], got ${p}`);
    }
    forward(x) { return F.dropout(x, this.p, this.training); }
    extraRepr() { return `p=${this.p}`; }
}
export class Flatten extends Module {
    startDim;
    endDim;
    constructor(startDim = 1, endDim = -1) {
        super();
        this.startDim = startDim;
        this.endDim = endDim;
    }
    forward(x) { return x.flatten(this.startDim, this.endDim); }
}
/** Returns a new reference to its input (so callers can dispose input and output independently). */
export class Identity extends Module {
    forward(x) { return x.view(x.shape); }
}
//# sourceMappingURL=layers.js.map