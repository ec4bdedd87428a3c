// Loaded with `node --import` into a CLI run under test: breaks the training forms' conversions by one weight
// (ACNet's fused kernel, G-ResNeXt's deploy bottleneck), the way a bug in a converter would. The conversion
// check must then refuse; before issue 29 it compared the converted model with itself and passed.
import { noGrad } from '../../src/engine/autograd.js';
import { ACBlock } from '../../src/blocks/acb.js';
import { GBottleneck } from '../../src/models/g_resnext.js';
const acb = ACBlock.prototype;
const fusedKernel = acb.fusedKernel;
acb.fusedKernel = function () {
    const [weight, bias] = fusedKernel.call(this);
    noGrad(() => weight.narrow(0, 0, 1).add_(0.05));
    return [weight, bias];
};
const toDeploy = GBottleneck.prototype.toDeploy;
GBottleneck.prototype.toDeploy = function () {
    const deployed = toDeploy.call(this);
    noGrad(() => deployed.conv2.weight.narrow(0, 0, 1).add_(0.05));
    return deployed;
};
//# sourceMappingURL=corrupt-fusion.js.map