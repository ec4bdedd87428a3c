import { DGConv2d } from '../blocks/dgconv.js';
import { type Reparameterizable } from '../blocks/reparam.js';
import { type Tensor } from '../engine/tensor.js';
import { type ResolvedModelOptions } from './registry.js';
import { Bottleneck, type BlockType, CifarResNet, type NormLayer } from './resnet.js';
/** A bottleneck whose 3x3 conv is a DGConv2d (padding 1, no bias). */
export declare class GBottleneck extends Bottleneck implements Reparameterizable {
    readonly conv2: DGConv2d;
    constructor(inChannels: number, width: number, outChannels: number, stride?: number, dilation?: number, norm?: NormLayer);
    /** At inference, the deploy form (cached): a group conv of the learned group count instead of the masked dense conv. */
    forward(x: Tensor): Tensor;
    /**
     * The plain bottleneck with a group conv of the learned group count, the permutation folded into its neighbours;
     * with GroupNorm, whose groups a permutation would mix, the conv gathers and scatters its channels instead.
     */
    toDeploy(): Bottleneck;
    private toDeployPermuted;
}
/** G-ResNeXt bottlenecks: torchvision's widths (channels·baseWidth/64·groups), a DGConv2d as the 3x3. */
export declare function gBottleneckBlock(groups: number, baseWidth: number): BlockType;
/** CIFAR-size (G-)ResNeXt (leanconv's own; see the file comment): `groups` fixed for every 3x3, or 'learned' (DGConv). */
export declare function cifarResNeXt(groups: number | 'learned', width: number, blocks: readonly number[], options: ResolvedModelOptions): CifarResNet;
