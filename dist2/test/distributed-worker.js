// One rank of the engine-level distributed test (test/distributed.test.ts starts several with RANK,
// WORLD_SIZE and MASTER_PORT set). It runs the same computations as the test's single-process
// reference, on its shard, and writes what it got to $RESULT_DIR/rank-<r>.safetensors.
import { join } from 'node:path';
import { allGather, allReduce, allReduceSum, broadcast, destroyProcessGroup, F, GradientReducer, initProcessGroup, processGroup, processGroupFromEnv, saveSafetensors, SGD, tensor, } from '../src/engine/index.js';
import { convertSyncBatchNorm } from '../src/nn/index.js';
import { bnFreeNet, distributedFixture, syncBnNet } from './distributed-fixture.js';
initProcessGroup(processGroupFromEnv());
const { rank, worldSize } = processGroup();
const out = {};
// Collectives on plain values (rank-dependent inputs, so a wrong pairing shows).
const summed = tensor([rank + 1, 10 * (rank + 1)]);
allReduce([summed]);
out.allReduceSum = summed;
const biggest = tensor([rank, 5 - rank]);
allReduce([biggest], 'max');
out.allReduceMax = biggest;
const fromLast = tensor([[rank, rank + 0.5]]);
const alsoFromLast = tensor([rank * 7], { dtype: 'int64' });
broadcast([fromLast, alsoFromLast], worldSize - 1);
out.broadcast = fromLast;
out.broadcastInt = alsoFromLast;
out.allGather = allGather(tensor([rank * 3, rank * 3 + 1])).reduce((a, b) => a.add(b));
// Differentiable all-reduce: y = Σ_r (r+1)·x, so dy.sum()/dx on rank r is (r+1)·worldSize.
const x = tensor([1, 2, 3], { requiresGrad: true });
allReduceSum(x.mul(rank + 1)).sum().backward();
out.allReduceSumGrad = x.grad;
// Data-parallel SGD on a BN-free net: this rank's half of every batch, gradients averaged by the reducer
// (tiny buckets: several of them, launched during backward).
const fixture = distributedFixture();
const share = fixture.batch / worldSize;
const net = bnFreeNet();
const reducer = new GradientReducer(net.parameters(), { firstBucketMB: 0.0005, bucketMB: 0.0005 });
out.buckets = tensor([reducer.buckets]);
const optimizer = new SGD([{ params: net.parameters() }], { lr: 0.05, momentum: 0.9 });
for (let step = 0; step < fixture.steps; step++) {
    const images = fixture.images.narrow(0, step * fixture.batch + rank * share, share);
    const labels = fixture.labels.narrow(0, step * fixture.batch + rank * share, share);
    reducer.arm();
    optimizer.zeroGrad();
    F.crossEntropy(net.forward(images), labels).backward();
    optimizer.step();
}
for (const [name, p] of net.namedParameters())
    out[`ddp.${name}`] = p;
// SyncBatchNorm: this rank's half of one batch normalised with the whole batch's statistics.
const bnNet = syncBnNet();
convertSyncBatchNorm(bnNet);
bnNet.train();
const half = fixture.images.narrow(0, rank * share, share).detach().clone().requiresGrad_();
const y = bnNet.forward(half);
y.mul(fixture.upstream.narrow(0, rank * share, share)).sum().backward();
out.syncBnOutput = y;
out.syncBnInputGrad = half.grad;
for (const [name, b] of bnNet.namedBuffers())
    out[`syncbn.${name}`] = b;
reducer.dispose();
saveSafetensors(join(process.env.RESULT_DIR, `rank-${rank}.safetensors`), Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.contiguous()])));
destroyProcessGroup();
//# sourceMappingURL=distributed-worker.js.map