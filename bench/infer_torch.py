# PyTorch peer for bench/deploy: eval-mode forwards without gradients of bench/train_torch.py's model (the
# official data flow) at each batch, in PyTorch's default layout and channels-last, same threads.
# usage: python3 bench/infer_torch.py MODEL BATCHES REPS  -> one JSON line {"<batch>": {"nchw": ms, "cl": ms}}
# BATCHES is comma-separated; batch 1 gets 3x the repetitions, as in bench/deploy.
import json, os, sys
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_torch import MODELS, timed  # noqa: E402 (the path is set just above)


def main():
    name, batches, reps = sys.argv[1], [int(b) for b in sys.argv[2].split(',')], int(sys.argv[3])
    torch.manual_seed(0)
    model = MODELS[name]().eval()
    out = {}
    for batch in batches:
        x = torch.randn(batch, 3, 32, 32)
        n = reps * 3 if batch == 1 else reps
        cells = {}
        for layout, fmt in (('nchw', torch.contiguous_format), ('cl', torch.channels_last)):
            model, xi = model.to(memory_format=fmt), x.contiguous(memory_format=fmt)

            def infer():
                with torch.no_grad():
                    model(xi)

            cells[layout] = timed(infer, 3, n)
        out[str(batch)] = cells
    print(json.dumps(out))


if __name__ == '__main__':
    main()
