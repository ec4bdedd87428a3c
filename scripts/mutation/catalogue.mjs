// The mutants of `npm run test:mutation`: single, realistic bugs in the code where a silent mistake changes
// results (blocks, conversion, inference fusion and its cache, data loading and transforms, schedules,
// checkpoints, interop, ONNX graph folding, robustness). Each names the compiled file it edits (dist/src/...),
// the exact text it replaces (it must occur once), the replacement, and the test files that should catch it.
// `equivalent` marks a mutant that cannot change behaviour, with the reason; it is not counted.

export const MUTANTS = [
  // --- data/loader.ts ---------------------------------------------------------------------------------
  { id: 'loader-seed-ignores-epoch', file: 'data/loader.js', from: 'hashInts(this.seed, epoch, start + k)', to: 'hashInts(this.seed, 0, start + k)', tests: ['data'], why: 'augmentation identical in every epoch' },
  { id: 'loader-shuffle-ignores-epoch', file: 'data/loader.js', from: 'hashInts(this.seed, epoch, 0x5eed)', to: 'hashInts(this.seed, 0, 0x5eed)', tests: ['data'], why: 'same order every epoch' },
  { id: 'loader-length-drop-last', file: 'data/loader.js', from: 'return this.dropLast ? Math.floor(n) : Math.ceil(n);', to: 'return this.dropLast ? Math.ceil(n) : Math.ceil(n);', tests: ['data'], why: 'dropLast keeps the partial batch' },
  { id: 'loader-rank-split', file: 'data/loader.js', from: 'const end = first + Math.floor((size * (rank + 1)) / worldSize);', to: 'const end = first + Math.floor((size * (rank + 2)) / worldSize);', tests: ['data', 'distributed'], why: 'ranks overlap' },
  // --- data/transforms.ts -----------------------------------------------------------------------------
  { id: 'normalize-plus-mean', file: 'data/transforms.js', from: 'img.data[i] = (img.data[i] - m) / s;', to: 'img.data[i] = (img.data[i] + m) / s;', tests: ['data'], why: 'normalisation sign' },
  { id: 'random-crop-no-padding', file: 'data/transforms.js', from: 'const top = rng.int(img.height + 2 * p - size + 1) - p;', to: 'const top = rng.int(img.height - size + 1);', tests: ['data'], why: 'crop ignores padding vertically' },
  { id: 'flip-always', file: 'data/transforms.js', from: 'if (rng.next() >= p)', to: 'if (rng.next() >= 1)', tests: ['data'], why: 'every image flipped' },
  { id: 'resize-long-side', file: 'data/transforms.js', from: 'const scale = size / Math.min(img.height, img.width);', to: 'const scale = size / Math.max(img.height, img.width);', tests: ['data', 'browser'], why: 'longer side resized to size' },
  { id: 'center-crop-floor-shift', file: 'data/transforms.js', from: 'crop(img, Math.round((img.height - size) / 2), Math.round((img.width - size) / 2), size, size)', to: 'crop(img, 0, Math.round((img.width - size) / 2), size, size)', tests: ['data'], why: 'top crop instead of centre' },
  { id: 'resample-half-pixel', file: 'data/transforms.js', from: 'box.top + (y + 0.5) * sy - 0.5', to: 'box.top + y * sy', tests: ['data'], why: 'align-corners style sampling' },
  { id: 'gray-to-rgb-one-plane', file: 'data/transforms.js', from: 'for (let c = 0; c < 3; c++)\n                    out.data.set(img.data, c * img.data.length);', to: 'out.data.set(img.data, 0);', tests: ['data'], why: 'only red channel filled' },
  // --- train/schedule.ts ------------------------------------------------------------------------------
  { id: 'warmup-one-late', file: 'train/schedule.js', from: 'if (t >= warmupIters)', to: 'if (t > warmupIters)', tests: ['train'], why: 'warmup ends one iteration late' },
  { id: 'cosine-per-epoch', file: 'train/schedule.js', from: '(Math.PI * (epoch * itersPerEpoch + iter)) / total', to: '(Math.PI * (epoch * itersPerEpoch)) / total', tests: ['train'], why: 'cosine stepped per epoch' },
  { id: 'multistep-strict', file: 'train/schedule.js', from: 'spec.milestones.filter((m) => epoch >= m)', to: 'spec.milestones.filter((m) => epoch > m)', tests: ['train'], why: 'decay one epoch late' },
  { id: 'warmup-start-ignored', file: 'train/schedule.js', from: 'return baseLr * (warmupStart + ((1 - warmupStart) * t) / warmupIters);', to: 'return baseLr * (t / warmupIters);', tests: ['train'], why: 'warmup ignores its start factor' },
  // --- nn/fusion.ts and eval-cache.ts -----------------------------------------------------------------
  { id: 'bn-affine-eps-outside', file: 'nn/fusion.js', from: 'const shifted = variance.add(bn.eps);', to: 'const shifted = variance.add(0);', tests: ['nn', 'acnet'], why: 'BN folding drops eps' },
  { id: 'bn-affine-shift-sign', file: 'nn/fusion.js', from: 'const shift = beta ? beta.sub(centre) : centre.neg();', to: 'const shift = beta ? beta.add(centre) : centre.neg();', tests: ['nn', 'acnet'], why: 'folded bias sign' },
  { id: 'fold-conv-bias-unscaled', file: 'nn/fusion.js', from: 'const bias = conv.bias.double().mul_(scale).add_(shift);', to: 'const bias = conv.bias.double().add_(shift);', tests: ['nn', 'acnet'], why: 'a conv bias is not scaled by the BN' },
  { id: 'eval-cache-ignores-version', file: 'nn/eval-cache.js', from: 'versionOf(t) === entry.versions[i]', to: 'true', tests: ['nn', 'acnet', 'dgconv'], why: 'stale folded kernels after an update' },
  // --- blocks -----------------------------------------------------------------------------------------
  { id: 'acb-fuse-wrong-axis', file: 'papers/acnet/blocks.js', from: 'const [column, line] = [wSquare.narrow(3, centre, 1), wSquare.narrow(2, centre, 1)];', to: 'const [column, line] = [wSquare.narrow(2, centre, 1), wSquare.narrow(3, centre, 1)];', tests: ['acnet', 'convert-check'], why: 'vertical kernel added to the centre row' },
  { id: 'acb-fuse-drops-hor-bias', file: 'papers/acnet/blocks.js', from: 'const bias = bSquare.add(bVer).add_(bHor);', to: 'const bias = bSquare.add(bVer);', tests: ['acnet', 'convert-check'], why: 'fused bias misses a branch' },
  { id: 'acb-crop-off-by-one', file: 'papers/acnet/blocks.js', from: 'this.crop = Math.max(0, -short);', to: 'this.crop = Math.max(0, 1 - short);', tests: ['acnet'], why: '1-D branches misaligned' },
  { id: 'condense-drops-most-important', file: 'papers/condensenet/blocks.js', from: 'kept.sort((a, b) => score[a] - score[b] || a - b);', to: 'kept.sort((a, b) => score[b] - score[a] || a - b);', tests: ['condensenet'], why: 'prunes the largest weights' },
  { id: 'condense-weight-layout', file: 'papers/condensenet/blocks.js', from: 'out[(group * perGroup + k) * keep + s] = weight[(group + k * g) * i + j];', to: 'out[(group * perGroup + k) * keep + s] = weight[(group * perGroup + k) * i + j];', tests: ['condensenet'], why: 'output channels not regrouped' },
  { id: 'condense-linear-keeps-least', file: 'papers/condensenet/blocks.js', from: '.slice(this.inFeatures - keep);', to: '.slice(0, keep);', tests: ['condensenet'], why: 'classifier keeps the least important inputs' },
  { id: 'group-lasso-stage-check', file: 'papers/condensenet/blocks.js', from: "if (name !== 'groupLasso' || this.stage >= this.groups - 1)", to: "if (name !== 'groupLasso' || this.stage >= this.groups)", tests: ['condensenet'], why: 'lasso kept one stage too long' },
  { id: 'dg-gate-binarise', file: 'papers/dgconv/blocks.js', from: 'F.straightThrough(noGrad(() => gate.sign().add(1).div(2)), gate)', to: 'F.straightThrough(noGrad(() => gate.sign().add(1)), gate)', tests: ['dgconv'], why: 'gates 0/2 instead of 0/1' },
  { id: 'dg-mask-factor', file: 'papers/dgconv/blocks.js', from: 'identity.mul(bk.neg().add(1)).add(allOnes.mul(bk))', to: 'identity.mul(bk).add(allOnes.mul(bk.neg().add(1)))', tests: ['dgconv'], why: 'gate meaning inverted' },
  // --- convert ----------------------------------------------------------------------------------------
  { id: 'acnetize-drops-eps', file: 'papers/acnet/convert.js', from: 'bnEps: bn?.eps,', to: '', tests: ['acnet'], why: 'replaced BN eps lost' },
  { id: 'acnetize-drops-conv-bias', file: 'papers/acnet/convert.js', from: 'block.square_conv.bias.copy_(child.bias);', to: 'void 0;', tests: ['acnet'], why: 'conv bias not carried over' },
  // --- train/checkpoint.ts ----------------------------------------------------------------------------
  { id: 'checkpoint-epoch-off', file: 'convert/checkpoint.js', from: 'epoch: Number(metadata.epoch ?? 0),', to: 'epoch: Number(metadata.epoch ?? 0) - 1,', tests: ['train'], why: 'resume repeats an epoch' },
  { id: 'checkpoint-no-rng', file: 'convert/checkpoint.js', from: 'if (meta.rngState !== undefined)\n        metadata.rng_state = meta.rngState;', to: '', tests: ['train'], why: 'resume loses the RNG state' },
  { id: 'checkpoint-drops-optimizer', file: 'convert/checkpoint.js', from: 'tensors[OPTIM_PREFIX + k] = t;', to: 'void t;', tests: ['train', 'optim'], why: 'momentum not saved' },
  // --- interop ----------------------------------------------------------------------------------------
  { id: 'pickle-binint1-signed', file: 'util/pickle.js', from: 'stack.push(u8());\n                break; // BININT1', to: 'stack.push(u8() - 1);\n                break; // BININT1', tests: ['interop', 'import-files'], why: 'small ints off by one' },
  { id: 'pickle-long-sign', file: 'util/pickle.js', from: 'if (b[n - 1] & 0x80)', to: 'if (false)', tests: ['interop', 'hostile-files'], why: 'negative LONG read as positive' },
  { id: 'pickle-build-merges-items', file: 'util/pickle.js', from: 'ATTRIBUTES.set(obj, new Map([...(ATTRIBUTES.get(obj) ?? []), ...state]));', to: 'for (const [k, v] of state) obj.set(k, v);', tests: ['import-files'], why: "OrderedDict's _metadata becomes an item (issue 29)" },
  { id: 'torch-gather-strides', file: 'interop/torch-file.js', from: 'at += index[d] * stride[d];', to: 'at += index[d] * stride[size.length - 1 - d];', tests: ['interop', 'import-files'], why: 'non-contiguous tensors read in the wrong order' },
  { id: 'torch-negative-offset-allowed', file: 'interop/torch-file.js', from: 'if (offset < 0)', to: 'if (offset < -1e9)', tests: ['hostile-files'], why: 'negative storage offsets accepted' },
  { id: 'torch-budget-unchecked', file: 'interop/torch-file.js', from: 'if (this.used + bytes > this.limit)', to: 'if (false)', tests: ['hostile-files'], why: 'stride-0 views allocate gigabytes' },
  { id: 'import-prefix-kept', file: 'interop/import.js', from: "if (!keys.every((k) => k.startsWith('module.')))", to: 'if (true)', tests: ['interop', 'import-files'], why: "DataParallel's prefix not dropped" },
  { id: 'import-classes-not-inferred', file: 'interop/state-dict.js', from: 'modelOptions.numClasses = stored.shape[0];', to: 'void stored;', tests: ['interop', 'import-files'], why: 'the class count is not read off the classifier' },
  { id: 'hdf5-plus-not-slash', file: 'papers/acnet/interop.js', from: "out.set(key.replace(/\\+/g, '/'),", to: 'out.set(key,', tests: ['interop'], why: "'+' not read back as '/'" },
  // --- deploy/graph.ts --------------------------------------------------------------------------------
  { id: 'onnx-fold-eps-outside', file: 'deploy/graph.js', from: 'const s = gamma[o] / Math.sqrt(variance[o] + eps);', to: 'const s = gamma[o] / (Math.sqrt(variance[o]) + eps);', tests: ['deploy'], why: 'ε outside the square root (issue 35)' },
  { id: 'onnx-fold-bias', file: 'deploy/graph.js', from: 'b[o] = beta[o] + ((bias?.[o] ?? 0) - mean[o]) * s;', to: 'b[o] = beta[o] + ((bias?.[o] ?? 0) - mean[o]);', tests: ['deploy'], why: 'folded bias unscaled' },
  // --- analysis/robustness.ts -------------------------------------------------------------------------
  { id: 'fgsm-wrong-direction', file: 'analysis/robustness.js', from: 'pixels.add(pixelGradient(model, pixels, labels, normalize).sign().mul(epsilon)).clamp(0, 1)', to: 'pixels.sub(pixelGradient(model, pixels, labels, normalize).sign().mul(epsilon)).clamp(0, 1)', tests: ['robustness'], why: 'FGSM descends the loss' },
  { id: 'pgd-no-projection', file: 'analysis/robustness.js', from: 'return moved.minimum(pixels.add(epsilon)).maximum(pixels.sub(epsilon)).clamp(0, 1);', to: 'return moved.clamp(0, 1);', tests: ['robustness'], why: 'PGD leaves the ε-ball' },
  { id: 'robustness-counts-wrong-clean', file: 'analysis/robustness.js', from: '.logicalAnd(clean).sum().item()', to: '.sum().item()', tests: ['robustness'], why: 'an image the model got wrong can count as robust' },
  { id: 'attack-normalises-before', file: 'analysis/robustness.js', from: 'normalize = (x) => x.sub(this.mean).div(this.std);', to: 'normalize = (x) => x;', tests: ['robustness'], why: 'the attack skips normalisation' },
  // --- code added for issue 29: bounded readers, metadata, learned structure, run directory, serve ----------
  { id: 'zip64-claim-unchecked', file: 'interop/zip.js', from: 'if (claimed * BigInt(CENTRAL_HEADER) > BigInt(bytes.length))', to: 'if (false)', tests: ['hostile-files'], why: 'a zip64 count is trusted' },
  { id: 'zip-entry-count-unchecked', file: 'interop/zip.js', from: 'if (count * CENTRAL_HEADER > size)', to: 'if (false)', tests: ['hostile-files', 'interop'], why: "a count the central directory cannot hold is trusted" },
  { id: 'zip-inflate-unbounded', file: 'interop/zip.js', from: 'if (written + chunk.length > out.length)', to: 'if (false)', tests: ['hostile-files'], why: 'a deflated entry inflates past its declared size' },
  { id: 'metadata-classes-unchecked', file: 'deploy/metadata.js', from: "classes.every((c) => typeof c === 'string')", to: 'true', tests: ['metadata'], why: 'malformed class names reach predict and serve' },
  { id: 'structure-legacy-per-layer', file: 'nn/structure.js', from: 'm.restoreStructure(field?.perLayer ? value?.[path] : value);', to: 'm.restoreStructure(value);', tests: ['structure'], why: "old checkpoints' per-layer records misread" },
  { id: 'run-logs-not-truncated', file: 'train/run-directory.js', from: '.filter((r) => r.epoch <= epochs)', to: '.filter(() => true)', tests: ['train'], why: 'a torn log line survives a resume' },
  { id: 'serve-any-host', file: 'deploy/serve.js', from: 'return isIP(name) === 4;', to: 'return true;', tests: ['browser'], why: 'DNS rebinding: any Host name accepted' },
  { id: 'image-aspect-unchecked', file: 'data/batch.js', from: 'if (Math.max(width, height) / Math.min(width, height) > MAX_IMAGE_ASPECT)', to: 'if (false)', tests: ['hostile-files'], why: 'a 1x1,000,000 image is resized' },
  { id: 'eval-class-count-unchecked', file: 'train/eval-split.js', from: 'if (outputs < classes || (outputs !== classes && dataset !== extra.dataset))', to: 'if (false)', tests: ['import-files'], why: 'a model is scored against unrelated labels' },
  // Fine-tuning, declared stages, CIFAR's Python layout, short ACB branches, recorded normalisation, import forms, class subsets.
  { id: 'finetune-no-input-adapt', file: 'train/fine-tune.js', from: 't.copy_(adapted.includes(key) ? adaptInputConvWeight(from[key], t.shape[1]) : from[key]);', to: 'if (!adapted.includes(key)) t.copy_(from[key]);', tests: ['fine-tune'], why: 'RGB weights on gray data: the first conv keeps its fresh initialisation' },
  { id: 'finetune-frozen-bn-trains', file: 'train/fine-tune.js', from: 'm.training = false; } };', to: 'm.training = true; } };', tests: ['fine-tune'], why: 'frozen layers\' batch-norm statistics drift' },
  { id: 'features-stage-skips-relu', file: 'models/resnet.js', from: '[[this.conv1, this.bn1, this.relu, this.layer1]', to: '[[this.conv1, this.bn1, this.layer1]', tests: ['features'], why: 'a declared stage misses a layer of the forward pass' },
  { id: 'cifar-python-coarse-labels', file: 'data/datasets.js', from: "variant === 10 ? 'labels' : 'fine_labels'", to: "variant === 10 ? 'labels' : 'coarse_labels'", tests: ['cifar-python'], why: "CIFAR-100's 20 coarse labels read as its 100 classes" },
  { id: 'acb-branch-offset', file: 'papers/acnet/blocks.js', from: 'const start = (this.kernelSize - this.branchLength) / 2;', to: 'const start = 0;', tests: ['acb-branch'], why: 'short branches fused into the corner of the square kernel' },
  { id: 'eval-dataset-normalization', file: 'train/eval-split.js', from: 'const normalize = overrides.normalize ?? (recorded ? { mean: recorded.mean, std: recorded.std } : undefined);', to: 'const normalize = overrides.normalize;', tests: ['interop'], why: "imported ACNet weights evaluated with the dataset's statistics (issue 31)" },
  { id: 'import-form-base-only', file: 'interop/import.js', from: 'for (const { form } of FORMS) {', to: 'for (const { form } of FORMS.slice(0, 1)) {', tests: ['import-forms'], why: "a converted CondenseNet's file is not recognised" },
  { id: 'class-subset-labels-kept', file: 'data/datasets.js', from: 'indices.map((i) => newLabel.get(dataset.labels[i]))', to: 'indices.map((i) => dataset.labels[i])', tests: ['fine-tune'], why: 'a class subset keeps the original label numbers' },
  // The image pipeline, recovery points, shards, GroupNorm (session 4).
  { id: 'crop-plan-ignores-flip', file: 'data/image-plan.js', from: 'w.left = w.flip ? w.left + (w.width - left - wd) : w.left + left;', to: 'w.left = w.left + left;', tests: ['data'], why: 'a crop after a flip taken from the wrong side of the image' },
  { id: 'bad-image-skip-ignored', file: 'data/batch.js', from: "if (onBadImage === 'skip' && err instanceof DatasetError)", to: 'if (false)', tests: ['image-pipeline'], why: '--on-bad-image skip still stops the run' },
  { id: 'shards-not-shuffled', file: 'data/datasets.js', from: 'for (const run of permutation(runs, hashInts(seed, epoch, 0x5a4d))) {', to: 'for (const run of Array.from({ length: runs }, (_, k) => k)) {', tests: ['image-pipeline'], why: 'every epoch visits the shards in the same order' },
  { id: 'recovery-rank-rng-lost', file: 'train/world.js', from: "setRngState(Buffer.from(state, 'base64'));", to: 'manualSeed(hashInts(seed, epoch, rank, 0xd15));', tests: ['recovery'], why: "a resumed data-parallel epoch redraws its ranks' dropout" },
  { id: 'recovery-point-ignored', file: 'train/run-directory.js', from: 'if (re > le || (re === le && rb > 0))', to: 'if (false)', tests: ['recovery'], why: '--resume starts the epoch over instead of continuing at the recovery point' },
  { id: 'gn-deploy-folds-permutation', file: 'papers/dgconv/models.js', from: 'if (this.bn1 instanceof GroupNorm)', to: 'if (false)', tests: ['dgconv'], why: "a GroupNorm G-ResNeXt's deploy form mixes GroupNorm's groups" },
];
