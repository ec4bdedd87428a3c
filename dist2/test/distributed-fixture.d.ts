import { type Tensor } from '../src/engine/index.js';
import { Sequential } from '../src/nn/index.js';
export declare function distributedFixture(): {
    images: Tensor;
    labels: Tensor;
    upstream: Tensor;
    batch: number;
    steps: number;
};
/** conv-relu-pool-linear: no batch statistics, so data parallelism must reproduce single-process SGD. */
export declare function bnFreeNet(): Sequential;
export declare function syncBnNet(): Sequential;
