// What the distributed test and its worker processes share: seeded data and two small nets, built the
// same way in every process.
import { manualSeed, randint, randn } from '../src/engine/index.js';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '../src/nn/index.js';
export function distributedFixture() {
    manualSeed(11);
    const batch = 8;
    const steps = 4;
    return { images: randn([batch * steps, 3, 8, 8]), labels: randint(0, 5, [batch * steps]), upstream: randn([batch, 4, 8, 8]), batch, steps };
}
/** conv-relu-pool-linear: no batch statistics, so data parallelism must reproduce single-process SGD. */
export function bnFreeNet() {
    manualSeed(12);
    return new Sequential(new Conv2d(3, 6, 3, { padding: 1 }), new ReLU(), new MaxPool2d({ kernelSize: 2 }), new Conv2d(6, 8, 3, { padding: 1 }), new ReLU(), new Flatten(), new Linear(8 * 4 * 4, 5));
}
export function syncBnNet() {
    manualSeed(13);
    return new Sequential(new Conv2d(3, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU());
}
//# sourceMappingURL=distributed-fixture.js.map