// Dense connectivity (DenseNet, CondenseNet, HCGNet's hybrid blocks): every layer appends new channels to its
// input, out = cat([x, layer.newFeatures(x)], 1). Run literally, layer i copies all the features before it
// into a new tensor, so a block of L layers copies O(L²) channels. At inference on channels-last input the
// block instead allocates its whole output once and each layer writes only its new channels into it: layer i
// reads a channel-prefix view of that buffer (rows of the full width), which leanconv's 1x1 conv kernel and
// pre-activation (affineReluConv2d) read in place. Training keeps the concatenations, which autograd needs.
import { empty } from '../engine/tensor.js';
import { tidy } from '../engine/scope.js';
import { Sequential } from '../nn/containers.js';
import { foldsForInference, isWatched } from '../nn/fusion.js';
export const isDenselyConnected = (m) => typeof m.newFeatures === 'function' && typeof m.growth === 'number';
/** A Sequential of densely connected layers (state-dict names are the children's, as for Sequential). */
export class DenseBlock extends Sequential {
    forward(x) {
        const layers = this.namedChildren().map(([, m]) => m);
        const preallocate = foldsForInference(this) && x.ndim === 4 && x.dtype === 'float32' && x.device === 'cpu' &&
            x.isContiguous('channelsLast') && !x.isContiguous() && layers.every((m) => isDenselyConnected(m) && !isWatched(m));
        if (!preallocate)
            return super.forward(x);
        const [n, c0, h, w] = x.shape;
        const grown = layers;
        const total = grown.reduce((c, m) => c + m.growth, c0);
        return tidy(() => {
            // [N, H, W, C] memory seen as [N, C, H, W]: a channels-last tensor.
            const out = empty([n, h, w, total], { dtype: x.dtype }).permute([0, 3, 1, 2]);
            out.narrow(1, 0, c0).copy_(x);
            let c = c0;
            for (const layer of grown) {
                const added = layer.newFeatures(out.narrow(1, 0, c));
                if (added.size(1) !== layer.growth)
                    throw new Error(`DenseBlock: a layer announced ${layer.growth} new channels and returned ${added.size(1)}`);
                out.narrow(1, c, layer.growth).copy_(added);
                c += layer.growth;
            }
            return out;
        });
    }
}
//# sourceMappingURL=dense.js.map