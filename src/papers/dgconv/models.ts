// G-ResNeXt (Zhang et al., ICCV 2019; d-li14/dgconv.pytorch g_resnext.py): torchvision's ResNet v1.5
// with a DGConv2d as every bottleneck's 3x3 conv, which learns its own grouping. `groups` only sets
// the width (width = channels·baseWidth/64·groups), as upstream. Names are the official ones
// (layer1.0.conv2.gate, layer1.0.conv2.D, layer1.0.conv2.I, layer1.0.conv2.conv.weight), so its
// checkpoints load as they are; the network returns only the logits, and the layers' connection counts
// are read through the Regularized protocol instead of being threaded through every block.
//
// The deploy form of a G-ResNeXt bottleneck is a plain ResNeXt bottleneck whose 3x3 conv has the
// learned group count: the channel permutation that makes interleaved groups contiguous is folded
// into conv1's output channels, bn1, bn2 and conv3's input channels, so nothing is gathered at run time.
//
// Also leanconv's own CIFAR-size pair (not in the paper; small enough to train on a CPU):
// resnext20_cifar (fixed groups) and g_resnext20_cifar (DGConv). A 3x3 stem of `width` channels, three
// stages of `blocks` bottlenecks with widths width·(1, 2, 4) and outputs twice that, strides 1/2/2,
// global average pooling, FC. With the defaults (width 16, blocks 2-2-2) the 3x3 convs are 16/32/64
// channels wide (K = 4/5/6 gates), the network is 20 layers deep and the fixed-group model has 4
// groups (group widths 4/8/16).
import { DGConv2d, groupedWeight, PermutedGroupConv } from './blocks.js';
import { Conv2d, GroupNorm } from '../../nn/layers.js';
import { cachedDeployForm, type Reparameterizable } from '../../blocks/reparam.js';
import { noGrad } from '../../engine/autograd.js';
import { tidy } from '../../engine/scope.js';
import { fromTypedArray, type Tensor } from '../../engine/tensor.js';
import { registerModel, type ResolvedModelOptions } from '../../models/registry.js';
import { Bottleneck, type BlockType, bottleneckWidth, CifarResNet, type NormLayer, RESNET_ARGS, ResNet, resNetOptionsFrom, torchvisionInit } from '../../models/resnet.js';

/** A bottleneck whose 3x3 conv is a DGConv2d (padding 1, no bias). */
export class GBottleneck extends Bottleneck implements Reparameterizable {
  declare readonly conv2: DGConv2d;

  constructor(inChannels: number, width: number, outChannels: number, stride = 1, dilation = 1, norm?: NormLayer) {
    super(inChannels, width, outChannels, { stride, dilation, norm, conv3x3: (w, s, d) => new DGConv2d(w, w, 3, { stride: s, padding: d, dilation: d, bias: false }) });
  }

  /** At inference, the deploy form (cached): a group conv of the learned group count instead of the masked dense conv. */
  override forward(x: Tensor): Tensor {
    const deployed = cachedDeployForm(this);
    return deployed ? deployed.forward(x) : super.forward(x);
  }

  /**
   * The plain bottleneck with a group conv of the learned group count, the permutation folded into its neighbours;
   * with GroupNorm, whose groups a permutation would mix, the conv gathers and scatters its channels instead.
   */
  toDeploy(): Bottleneck {
    if (this.bn1 instanceof GroupNorm) return this.toDeployPermuted(this.bn1);
    const structure = this.conv2.groupStructure();
    const deployed = new Bottleneck(this.inChannels, this.width, this.outChannels, { stride: this.conv2.conv.stride[0], dilation: this.conv2.conv.dilation[0], groups: structure.groups });
    noGrad(() => tidy(() => {
      const own = this.stateDict();
      deployed.loadStateDict(Object.fromEntries(Object.entries(own).filter(([k]) => !k.startsWith('conv2.'))), { strict: false });
      const index = fromTypedArray(BigInt64Array.from(structure.order, (v) => BigInt(v)));
      const target = deployed.stateDict();
      // Output channel p of conv1 (and of every per-channel layer up to conv3) becomes channel order[p].
      target['conv1.weight']!.copy_(own['conv1.weight']!.indexSelect(0, index));
      for (const bn of ['bn1', 'bn2']) {
        for (const name of ['weight', 'bias', 'running_mean', 'running_var']) target[`${bn}.${name}`]!.copy_(own[`${bn}.${name}`]!.indexSelect(0, index));
      }
      target['conv2.weight']!.copy_(groupedWeight(this.conv2.conv.weight, structure));
      target['conv3.weight']!.copy_(own['conv3.weight']!.indexSelect(1, index));
    }));
    return deployed;
  }

  private toDeployPermuted(norm: GroupNorm): Bottleneck {
    const structure = this.conv2.groupStructure();
    const { stride, dilation } = this.conv2.conv;
    const deployed = new Bottleneck(this.inChannels, this.width, this.outChannels, {
      stride: stride[0], dilation: dilation[0], norm: (c) => new GroupNorm(norm.numGroups, c, { eps: norm.eps }),
      conv3x3: (w, s, d) => new PermutedGroupConv(new Conv2d(w, w, 3, { stride: s, padding: d, dilation: d, groups: structure.groups, bias: false }), structure.order),
    });
    noGrad(() => tidy(() => {
      deployed.loadStateDict(Object.fromEntries(Object.entries(this.stateDict()).filter(([k]) => !k.startsWith('conv2.'))), { strict: false });
      deployed.stateDict()['conv2.conv.weight']!.copy_(groupedWeight(this.conv2.conv.weight, structure));
    }));
    return deployed;
  }
}

/** G-ResNeXt bottlenecks: torchvision's widths (channels·baseWidth/64·groups), a DGConv2d as the 3x3. */
export function gBottleneckBlock(groups: number, baseWidth: number): BlockType {
  return {
    expansion: Bottleneck.expansion,
    create: (cin, c, s, dilation = 1, norm) => new GBottleneck(cin, bottleneckWidth(c, groups, baseWidth), c * Bottleneck.expansion, s, dilation, norm),
  };
}

const imagenet = { family: 'g_resnext', inputSize: [3, 224, 224] as [number, number, number], defaultNumClasses: 1000, classifier: 'fc', firstConv: 'conv1', source: 'd-li14/dgconv.pytorch g_resnext.py' };
registerModel({
  ...imagenet, name: 'g_resnext50', description: 'G-ResNeXt-50: ResNeXt-50 (32x4d widths) with DGConv 3x3s that learn their grouping (16 layers, 137 gates)',
  args: RESNET_ARGS, create: (o) => new ResNet(gBottleneckBlock(32, 4), [3, 4, 6, 3], o, resNetOptionsFrom(o.args)),
});
registerModel({
  ...imagenet, name: 'g_resnext101', description: 'G-ResNeXt-101: ResNeXt-101 (32x8d widths) with DGConv 3x3s (33 layers, 323 gates)',
  args: RESNET_ARGS, create: (o) => new ResNet(gBottleneckBlock(32, 8), [3, 4, 23, 3], o, resNetOptionsFrom(o.args)),
});

/** CIFAR-size (G-)ResNeXt (leanconv's own; see the file comment): `groups` fixed for every 3x3, or 'learned' (DGConv). */
export function cifarResNeXt(groups: number | 'learned', width: number, blocks: readonly number[], options: ResolvedModelOptions): CifarResNet {
  if (groups === 'learned' && !Number.isInteger(Math.log2(width))) throw new RangeError(`g_resnext20_cifar: width must be a power of two (DGConv has one gate per factor of 2), got ${width}`);
  const block: BlockType = {
    expansion: 2,
    create: (cin, c, s) => (groups === 'learned' ? new GBottleneck(cin, c, 2 * c, s) : new Bottleneck(cin, c, 2 * c, { stride: s, groups })),
  };
  const model = new CifarResNet(block, width, [width, 2 * width, 4 * width], blocks, options);
  torchvisionInit(model);
  return model;
}

const cifar = { inputSize: [3, 32, 32] as [number, number, number], defaultNumClasses: 10, classifier: 'fc', firstConv: 'conv1', source: "leanconv's own CIFAR-size (G-)ResNeXt (docs/dgconv.md)" };
const cifarHelp = { width: '3x3 width of the first stage (doubles per stage; outputs are twice the width)', blocks: 'bottlenecks per stage' };
registerModel({
  ...cifar, family: 'resnext_cifar', name: 'resnext20_cifar', description: 'CIFAR-size ResNeXt-20 with a fixed group count (groups=1: the dense baseline)',
  args: { defaults: { groups: 4, width: 16, blocks: [2, 2, 2] }, help: { groups: 'groups of every 3x3 conv', ...cifarHelp } },
  create: (o) => cifarResNeXt(o.args.groups as number, o.args.width as number, o.args.blocks as number[], o),
});
registerModel({
  ...cifar, family: 'g_resnext', name: 'g_resnext20_cifar', description: 'CIFAR-size G-ResNeXt-20: resnext20_cifar with DGConv 3x3s that learn their grouping',
  args: { defaults: { width: 16, blocks: [2, 2, 2] }, help: cifarHelp },
  create: (o) => cifarResNeXt('learned', o.args.width as number, o.args.blocks as number[], o),
});
