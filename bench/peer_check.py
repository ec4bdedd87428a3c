# The PyTorch half of bench/peer-check: loads leanconv's state dict (JSON) into bench/train_torch.py's model
# by name, runs the same input in eval mode and prints the largest difference from leanconv's output.
# usage: python3 bench/peer_check.py MODEL FILE.json
import json, os, sys
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_torch import MODELS  # noqa: E402 (the path is set just above)

name, path = sys.argv[1], sys.argv[2]
data = json.load(open(path))
model = MODELS[name]().eval()
own = model.state_dict()
missing, extra = sorted(set(own) - set(data['state'])), sorted(set(data['state']) - set(own))
if missing or extra:
    sys.exit(f'{name}: parameter names differ (only in PyTorch: {missing[:5]}, only in leanconv: {extra[:5]})')
model.load_state_dict({k: torch.tensor(v['data']).reshape(v['shape']).to(own[k].dtype) for k, v in data['state'].items()})
with torch.no_grad():
    y = model(torch.tensor(data['input']).reshape(data['inputShape']))
diff = (y.flatten() - torch.tensor(data['output'])).abs().max().item()
print(f'{len(own)} tensors loaded by name; max |output difference| {diff:.3g}')
