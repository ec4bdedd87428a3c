// leanconv.data: datasets, transforms and the loader.
export { balancedSubset, DATASETS, DatasetError, getDatasetSpec, loadCifar, loadFashionMnist, loadImageFolder, loadMnistFormat, type Dataset, type DatasetSpec, type FileDataset, type InMemoryDataset, type Split } from './datasets.js';
export { DataLoader, DataLoaderError, type Batch, type LoaderOptions } from './loader.js';
export { buildTransform, compose, outputShape, type Image, type Transform, type TransformSpec } from './transforms.js';
export { dataTransforms, PipelineError } from './pipelines.js';
export { decodeImageFile, type RawBatch } from './batch.js';
export { Rng, hashInts, permutation } from './rng.js';
export { encodeIdx, FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, IdxFormatError, readIdx, readMnistSplit } from './idx.js';
export { loadConceptDataset, parseCsv, type ConceptDataset, type ConceptImage, type ConceptLabel } from './concepts.js';
