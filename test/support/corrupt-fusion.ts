// Loaded with `node --import` into a CLI run under test: breaks the training forms' conversions by one weight
// (ACNet's fused kernel, G-ResNeXt's deploy bottleneck), the way a bug in a converter would. The conversion
// check must then refuse; before issue 29 it compared the converted model with itself and passed.
import { noGrad } from '../../src/engine/autograd.js';
import { ACBlock } from '../../src/papers/acnet/blocks.js';
import { GBottleneck } from '../../src/papers/dgconv/models.js';
import type { Tensor } from '../../src/engine/tensor.js';

type FusedKernel = () => [Tensor, Tensor];
const acb = ACBlock.prototype as unknown as { fusedKernel: FusedKernel };
const fusedKernel = acb.fusedKernel;
acb.fusedKernel = function (this: ACBlock) {
  const [weight, bias] = fusedKernel.call(this);
  noGrad(() => weight.narrow(0, 0, 1).add_(0.05));
  return [weight, bias];
};

const toDeploy = GBottleneck.prototype.toDeploy;
GBottleneck.prototype.toDeploy = function (this: GBottleneck) {
  const deployed = toDeploy.call(this);
  noGrad(() => (deployed.conv2 as unknown as { weight: Tensor }).weight.narrow(0, 0, 1).add_(0.05));
  return deployed;
};
