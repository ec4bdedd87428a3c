# Cross-check of leanconv's DGConv2d against the official layer (d-li14/dgconv.pytorch dgconv.py, not part of
# this project): the same gates, weights and input; writes outputs, R and gradients as JSON for dgconv_compare.mjs.
import json, torch, sys
# usage: python3 scripts/crosscheck/dgconv_official.py <dir holding the official dgconv.py> <out.json>
sys.path.insert(0, sys.argv[1])
from dgconv import DGConv2d
torch.manual_seed(0)
out = {}
for sort in [False, True]:
    m = DGConv2d(16, 16, 3, padding=1, bias=True, sort=sort)
    with torch.no_grad():
        m.gate.copy_(torch.tensor([0.3, -0.2, 0.5, -0.9]))
    x = torch.randn(2, 16, 5, 6)
    proj = torch.randn(2, 16, 5, 6)
    y, R = m(x)
    loss = (y * proj).sum() + 0.001 * R
    loss.backward()
    out[str(sort)] = dict(weight=m.conv.weight.detach().flatten().tolist(), bias=m.conv.bias.detach().tolist(), x=x.flatten().tolist(), proj=proj.flatten().tolist(),
        y=y.detach().flatten().tolist(), R=R.item(), gate_grad=m.gate.grad.tolist(), weight_grad=m.conv.weight.grad.flatten().tolist())
json.dump(out, open(sys.argv[2], 'w'))
print('R', out['False']['R'], out['True']['R'], 'gate grads', out['False']['gate_grad'], out['True']['gate_grad'])
