// Pre-activation convolution (BN -> ReLU -> conv), the unit DenseNet-style networks are made of. Its
// children are named norm/relu/conv as in CondenseNet's layers.Conv and HCGNet's BasicConv, so their
// checkpoints' names fit.
import { Sequential } from '../nn/containers.js';
import { BatchNorm2d, Conv2d, ReLU } from '../nn/layers.js';
export class PreActConv extends Sequential {
    /** A bias-free conv; padding defaults to 'same' for odd kernels ((k - 1) / 2). */
    constructor(inChannels, outChannels, kernelSize, options = {}) {
        super(['norm', new BatchNorm2d(inChannels)], ['relu', new ReLU()], ['conv', new Conv2d(inChannels, outChannels, kernelSize, { padding: Math.floor((kernelSize - 1) / 2), ...options, bias: false })]);
    }
}
//# sourceMappingURL=preact.js.map