// leanconv.data: datasets, transforms and the loader.
export {
  balancedSubset, DATASETS, DatasetError, getDatasetSpec, registerDataset, loadCifar, loadFashionMnist, loadImageFolder, loadMnistFormat, loadShardSplit, loadTarShards, readSampleBytes,
  sampleName, shardShuffledOrder, type Dataset, type DatasetSpec, type FileDataset, type ImageSourceDataset, type InMemoryDataset, type ShardDataset, type Split,
} from './datasets.js';
export { DataLoader, DataLoaderError, type Batch, type LoaderOptions } from './loader.js';
export { buildTransform, compose, outputShape, type Image, type Transform, type TransformSpec } from './transforms.js';
export { dataTransforms, PipelineError } from './pipelines.js';
export { decodeImageFile, type BadImagePolicy, type RawBatch } from './batch.js';
export { planImagePipeline, type ImagePlan, type SampleGeometry } from './image-plan.js';
export { expandShardPattern, indexTarShard, TarShardError } from './tar-shards.js';
export { Rng, hashInts, permutation } from './rng.js';
export { encodeIdx, FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, IdxFormatError, readIdx, readMnistSplit } from './idx.js';
export { loadConceptDataset, parseCsv, type ConceptDataset, type ConceptImage, type ConceptLabel } from './concepts.js';
