#!/usr/bin/env python3
# The PyTorch side of `coldbench bench train --compare-torch` (its default --torch-script), kept in
# the repository so the comparison runs from a clone alone; the PyTorch figures in docs/engine.md come from it.
"""Reference training-throughput anchor: the "reference" U-Net preset in PyTorch (CPU).

Architecture (must match the harness's `reference` bench preset exactly):
  input  [B, C+1, S, S]   (image channels + 1 constant time channel)
  enc1   2x (conv3x3 same, ReLU) -> base          at S
  enc2   avgpool2, 2x (conv3x3, ReLU) -> 2*base   at S/2
  mid    avgpool2, 2x (conv3x3, ReLU) -> 4*base   at S/4
  dec2   nearest-up2, concat enc2, 2x (conv3x3, ReLU) -> 2*base
  dec1   nearest-up2, concat enc1, 2x (conv3x3, ReLU) -> base
  out    conv1x1 -> C
  loss   mean |pred - target| (L1), Adam lr 2e-4
Defaults S=32, C=1, base=32, B=32 -> 471,265 parameters.

Usage: python3 torch_unet.py [--threads 1] [--size 32] [--channels 1] [--base 32] [--batch 32] [--steps 10] [--bf16]
--bf16: bfloat16 autocast for the forward pass and loss (PyTorch's mixed precision on CPUs with
avx512_bf16/AMX; master weights and Adam stay float32).
Prints one JSON line: {"engine": "torch", "imgsPerSec": ..., ...}
Needs Debian's python3-torch (apt-get install python3-torch); run it with Debian's own python3, which that package installs into.
"""
import argparse, json, time
import torch, torch.nn as nn, torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument('--threads', type=int, default=1)
p.add_argument('--size', type=int, default=32)
p.add_argument('--channels', type=int, default=1)
p.add_argument('--base', type=int, default=32)
p.add_argument('--batch', type=int, default=32)
p.add_argument('--steps', type=int, default=10)
p.add_argument('--bf16', action='store_true')
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)

def block(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.ReLU(), nn.Conv2d(o, o, 3, padding=1), nn.ReLU())

class UNet(nn.Module):
    def __init__(s, c, b):
        super().__init__()
        s.e1, s.e2, s.m = block(c + 1, b), block(b, 2 * b), block(2 * b, 4 * b)
        s.d2, s.d1 = block(4 * b + 2 * b, 2 * b), block(2 * b + b, b)
        s.out = nn.Conv2d(b, c, 1)
    def forward(s, x):
        e1 = s.e1(x); e2 = s.e2(F.avg_pool2d(e1, 2)); m = s.m(F.avg_pool2d(e2, 2))
        d2 = s.d2(torch.cat([F.interpolate(m, scale_factor=2), e2], 1))
        d1 = s.d1(torch.cat([F.interpolate(d2, scale_factor=2), e1], 1))
        return s.out(d1)

net = UNet(a.channels, a.base)
opt = torch.optim.Adam(net.parameters(), 2e-4)
x = torch.randn(a.batch, a.channels + 1, a.size, a.size)
y = torch.randn(a.batch, a.channels, a.size, a.size)

def step():
    opt.zero_grad()
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=a.bf16):
        loss = (net(x) - y).abs().mean()
    loss.backward(); opt.step()

for _ in range(3):
    step()
t0 = time.perf_counter()
for _ in range(a.steps):
    step()
dt = (time.perf_counter() - t0) / a.steps
print(json.dumps({"engine": "torch", "version": torch.__version__, "threads": a.threads,
                  "precision": "bf16" if a.bf16 else "fp32",
                  "params": sum(q.numel() for q in net.parameters()), "size": a.size,
                  "channels": a.channels, "base": a.base, "batch": a.batch,
                  "msPerStep": round(dt * 1000, 2), "imgsPerSec": round(a.batch / dt, 2)}))
