// leanconv.data: datasets, transforms and the loader.
export { balancedSubset, DATASETS, DatasetError, getDatasetSpec, loadCifar, loadFashionMnist, loadImageFolder, loadMnistFormat, loadShardSplit, loadTarShards, readSampleBytes, sampleName, shardShuffledOrder, } from './datasets.js';
export { DataLoader, DataLoaderError } from './loader.js';
export { buildTransform, compose, outputShape } from './transforms.js';
export { dataTransforms, PipelineError } from './pipelines.js';
export { decodeImageFile } from './batch.js';
export { planImagePipeline } from './image-plan.js';
export { expandShardPattern, indexTarShard, TarShardError } from './tar-shards.js';
export { Rng, hashInts, permutation } from './rng.js';
export { encodeIdx, FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, IdxFormatError, readIdx, readMnistSplit } from './idx.js';
export { loadConceptDataset, parseCsv } from './concepts.js';
//# sourceMappingURL=index.js.map