// Weight initialisers (torch.nn.init): in place, outside autograd.
import { noGrad } from '../engine/autograd.js';
/** fan_in = in-channels x kernel elements; fan_out = out-channels x kernel elements (as PyTorch). */
export function fans(t) {
    if (t.ndim < 2)
        throw new RangeError(`init: fan in/out needs a tensor with at least 2 dims, got shape [${t.shape.join(', ')}]`);
    const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
    return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}
/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function gain(nonlinearity, negativeSlope = 0.01) {
    switch (nonlinearity) {
        case 'linear':
        case 'conv2d':
        case 'sigmoid': return 1;
        case 'tanh': return 5 / 3;
        case 'relu': return Math.SQRT2;
        case 'leaky_relu': return Math.sqrt(2 / (1 + negativeSlope ** 2));
        default: throw new TypeError(`init: unknown nonlinearity '${String(nonlinearity)}'`);
    }
}
function kaimingStd(t, options) {
    const { fanIn, fanOut } = fans(t);
    const fan = (options.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
    return gain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) / Math.sqrt(fan);
}
export const kaimingNormal_ = (t, options = {}) => noGrad(() => t.normal_(0, kaimingStd(t, options)));
export function kaimingUniform_(t, options = {}) {
    const bound = Math.sqrt(3) * kaimingStd(t, options);
    return noGrad(() => t.uniform_(-bound, bound));
}
export function xavierUniform_(t, gainValue = 1) {
    const { fanIn, fanOut } = fans(t);
    const bound = gainValue * Math.sqrt(6 / (fanIn + fanOut));
    return noGrad(() => t.uniform_(-bound, bound));
}
export const normal_ = (t, mean = 0, std = 1) => noGrad(() => t.normal_(mean, std));
export const uniform_ = (t, low = 0, high = 1) => noGrad(() => t.uniform_(low, high));
export const constant_ = (t, value) => noGrad(() => t.fill_(value));
export const zeros_ = (t) => constant_(t, 0);
export const ones_ = (t) => constant_(t, 1);
/**
 * PyTorch's default for Conv and Linear: weight kaiming-uniform with a = sqrt(5) (bound 1/sqrt(fan_in)),
 * bias uniform in +-1/sqrt(fan_in).
 */
export function pytorchDefault_(weight, bias) {
    kaimingUniform_(weight, { a: Math.sqrt(5) });
    if (bias !== undefined) {
        const bound = 1 / Math.sqrt(fans(weight).fanIn);
        uniform_(bias, -bound, bound);
    }
}
//# sourceMappingURL=init.js.map