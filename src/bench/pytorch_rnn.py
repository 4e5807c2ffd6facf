#!/usr/bin/env python3
"""The benchmark's M1-M4 in PyTorch (cuDNN's LSTM/GRU on a GPU), for the ratio spec/performance.md asks for
on a real GPU: the same shapes as src/bench/models.ts (batch 32, 64 steps, 32 features, a dense(10) head on
the last state; M4 concatenates both directions' final states), TF32 off, the same sample rule as the rnnc
benchmark (each sample the mean of the calls that fill 1 s, median of 3). Inference = forward, softmax and
the probabilities copied to the host; a training step = forward, cross-entropy, backward, Adam step and the
loss read back. ConvLSTM (M5) has no cuDNN kernel and is left out.

    python3 src/bench/pytorch_rnn.py [--quick] [--model M1,M3] [--out FILE]

Prints a Markdown table; --out writes the samples as JSON. Runs on the CPU where there is no GPU.
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn

MODELS = {
    'M1': dict(title='LSTM(128)', cell='lstm', hidden=128, layers=1, bidirectional=False),
    'M2': dict(title='GRU(128)', cell='gru', hidden=128, layers=1, bidirectional=False),
    'M3': dict(title='LSTM(128, seq) -> LSTM(128)', cell='lstm', hidden=128, layers=2, bidirectional=False),
    'M4': dict(title='Bidirectional(LSTM(64))', cell='lstm', hidden=64, layers=1, bidirectional=True),
}
BATCH, TIME, FEATURES, CLASSES = 32, 64, 32, 10
SAMPLE_S = 1.0


class Net(nn.Module):
    def __init__(self, cell, hidden, layers, bidirectional, **_):
        super().__init__()
        rnn = nn.LSTM if cell == 'lstm' else nn.GRU
        self.rnn = rnn(FEATURES, hidden, num_layers=layers, bidirectional=bidirectional, batch_first=True)
        self.dirs = 2 if bidirectional else 1
        self.head = nn.Linear(hidden * self.dirs, CLASSES)

    def forward(self, x):
        _, state = self.rnn(x)
        h_n = state[0] if isinstance(state, tuple) else state        # [layers * dirs, batch, hidden]
        last = torch.cat(list(h_n[-self.dirs:]), dim=1)             # the last layer's final state, each direction
        return self.head(last)


def forward_flops(m):
    gates = 4 if m['cell'] == 'lstm' else 3
    h, flops, width = m['hidden'], 0, FEATURES
    for _ in range(m['layers']):
        flops += 2 * gates * h * (width + h) * BATCH * TIME * (2 if m['bidirectional'] else 1)
        width = h * (2 if m['bidirectional'] else 1)
    return flops


def sample(call, sync):
    """Mean seconds per call over the calls that fill SAMPLE_S (at least one)."""
    sync()
    t0, calls = time.perf_counter(), 0
    while True:
        call()
        calls += 1
        if time.perf_counter() - t0 >= SAMPLE_S:
            break
    sync()
    return (time.perf_counter() - t0) / calls, calls


def bench(model_id, reps, device):
    m = MODELS[model_id]
    torch.manual_seed(0)
    net = Net(**m).to(device)
    x = torch.randn(BATCH, TIME, FEATURES, device=device)
    labels = torch.randint(0, CLASSES, (BATCH,), device=device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    sync = torch.cuda.synchronize if device.type == 'cuda' else (lambda: None)

    def infer():
        with torch.no_grad():
            torch.softmax(net(x), dim=1).cpu()

    def train():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), labels)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(3):                       # cuDNN picks its algorithms on the first calls
        infer()
        train()
    out = {'infer_ms': [], 'train_ms': [], 'infer_calls': [], 'train_calls': []}
    for _ in range(reps):
        for task, call in (('infer', infer), ('train', train)):
            s, calls = sample(call, sync)
            out[f'{task}_ms'].append(s * 1e3)
            out[f'{task}_calls'].append(calls)
    return {'model': model_id, 'title': m['title'], 'forward_flops': forward_flops(m), **out}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--quick', action='store_true', help='1 timed sample per task (default: median of 3)')
    ap.add_argument('--model', default='M1,M2,M3,M4', help='comma-separated subset of M1-M4')
    ap.add_argument('--out', help='write the samples and environment as JSON')
    args = ap.parse_args()
    ids = [i.strip().upper() for i in args.model.split(',') if i.strip()]
    unknown = [i for i in ids if i not in MODELS]
    if unknown:
        ap.error(f"unknown model(s) {', '.join(unknown)} (PyTorch has M1-M4; M5 is a ConvLSTM, which cuDNN lacks)")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    name = torch.cuda.get_device_name(0) if device.type == 'cuda' else 'cpu'
    rows = [bench(i, 1 if args.quick else 3, device) for i in ids]
    print(f'### PyTorch {torch.__version__} on {name} (cuDNN {torch.backends.cudnn.version()}, TF32 off)\n')
    print('| model | inference ms | GFLOP/s | training step ms | GFLOP/s |')
    print('| --- | --: | --: | --: | --: |')
    for r in rows:
        inf, tr = statistics.median(r['infer_ms']), statistics.median(r['train_ms'])
        print(f"| {r['model']} {r['title']} | {inf:.3f} | {r['forward_flops'] / inf / 1e6:.1f} | {tr:.3f} | "
              f"{3 * r['forward_flops'] / tr / 1e6:.1f} |")
    if args.out:
        with open(args.out, 'w') as f:
            json.dump({'device': name, 'torch': torch.__version__, 'cudnn': torch.backends.cudnn.version(),
                       'tf32': False, 'rows': rows}, f, indent=2)


if __name__ == '__main__':
    main()
