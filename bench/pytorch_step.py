#!/usr/bin/env python3
"""PyTorch reference for bench/step-time.ts: the same model, batch, loss and optimizer step, timed
the same way (median ms per step after warm-up). Prints ONE JSON object on stdout.

Run: python3 bench/pytorch_step.py [--steps 10] [--threads 2] [--shapes bert-tiny,default]

The "ours" models are main/training/model.ts's TransformerClassifier, op for op (not HF's BertModel):
token + position embeddings (no token-type table), LayerNorm eps 1e-5, post-LN encoder blocks
with separate Q/K/V projections, "quick" GELU x * sigmoid(1.702 x), masked MEAN pooling (no
pooler), dropout at every site ours has (embeddings, attention probabilities, attention output,
FFN output, pooled), a linear head. Loss: cross-entropy (baseline, dropout p at every site), or
the comparative loss with C = 2 nested dropout copies [full, p1, p2] run as ONE batched forward
(stacked on the batch axis, nested masks from one uniform draw per site) and the pairwise hinge
over [l0, l1, l2, b = 0] / P (target 'ultra', T = 1), as main/training/comparative-loss.ts.
Then global-norm clipping at 1 and AdamW (lr 2e-3, weight decay 0.01 on matrices only).
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F

BERT_TINY = dict(vocab=30522, dim=128, layers=2, heads=2, ffn=512)  # google/bert_uncased_L-2_H-128_A-2
# Names as bench/bench-step.ts BENCH_MODELS: (architecture, dimensions).
SHAPES = {
    "bert-tiny": ("ours", BERT_TINY),
    "bert-tiny-hf": ("hf-bert", BERT_TINY),
    "default": ("ours", dict(vocab=8000, dim=64, layers=1, heads=2, ffn=128)),  # shared/schemas.ts DEFAULT_MODEL
}
BATCH, SEQ, WARMUP = 32, 128, 3
DROPOUT, LR, WEIGHT_DECAY, CLIP = 0.1, 2e-3, 0.01, 1.0


class Sites:
    """Nested dropout over copies stacked on the batch axis: one uniform draw per site, shaped like
    one copy, reused by every copy k (keep where u >= rate_k, scale 1 / (1 - rate_k))."""

    def __init__(self, rates):
        self.rates = rates
        self.keep = torch.tensor([1 - r for r in rates]).view(-1, 1)
        self.scale = torch.tensor([1 / (1 - r) for r in rates]).view(-1, 1)

    def __call__(self, x):
        if all(r == 0 for r in self.rates):
            return x
        copies = len(self.rates)
        u = torch.rand(1, x.numel() // copies)
        mask = torch.floor(u + self.keep) * self.scale
        return (x.reshape(copies, -1) * mask).view_as(x)


class Classifier(torch.nn.Module):
    def __init__(self, vocab, dim, layers, heads, ffn, classes=2, max_length=SEQ):
        super().__init__()
        self.heads = heads
        self.token = torch.nn.Parameter(torch.randn(vocab, dim) * 0.02)
        self.position = torch.nn.Parameter(torch.randn(max_length, dim) * 0.02)
        self.embed_norm = torch.nn.LayerNorm(dim, eps=1e-5)
        self.blocks = torch.nn.ModuleList()
        for _ in range(layers):
            self.blocks.append(torch.nn.ModuleDict(dict(
                q=torch.nn.Linear(dim, dim), k=torch.nn.Linear(dim, dim), v=torch.nn.Linear(dim, dim),
                out=torch.nn.Linear(dim, dim), norm1=torch.nn.LayerNorm(dim, eps=1e-5),
                ffn_in=torch.nn.Linear(dim, ffn), ffn_out=torch.nn.Linear(ffn, dim),
                norm2=torch.nn.LayerNorm(dim, eps=1e-5),
            )))
        self.head = torch.nn.Linear(dim, classes)

    def encode(self, ids, mask, rates):
        """Final hidden states [copies * rows, length, dim], the copies' mask and their dropout sites
        (bench/pytorch_qa_step.py reads the states per token)."""
        copies = len(rates)
        sites = Sites(rates)
        rows, length = ids.shape
        embedded = self.embed_norm(F.embedding(ids, self.token) + self.position[:length])
        # Copies share the embedding lookup and diverge from the first dropout site on.
        hidden = sites(embedded.repeat(copies, 1, 1))
        mask = mask.repeat(copies, 1)
        bias = ((1 - mask) * -1e9).view(rows * copies, 1, 1, length)
        dim = hidden.shape[-1]
        head_dim = dim // self.heads
        for b in self.blocks:
            def to_heads(t):
                return t.view(rows * copies, length, self.heads, head_dim).transpose(1, 2)
            q = to_heads(b["q"](hidden) / math.sqrt(head_dim))
            k, v = to_heads(b["k"](hidden)), to_heads(b["v"](hidden))
            attention = sites(torch.softmax(q @ k.transpose(-1, -2) + bias, -1))
            context = (attention @ v).transpose(1, 2).reshape(rows * copies, length, dim)
            hidden = b["norm1"](hidden + sites(b["out"](context)))
            expanded = b["ffn_in"](hidden)
            expanded = expanded * torch.sigmoid(1.702 * expanded)
            hidden = b["norm2"](hidden + sites(b["ffn_out"](expanded)))
        return hidden, mask, sites

    def forward(self, ids, mask, rates):
        hidden, mask, sites = self.encode(ids, mask, rates)
        weights = mask.unsqueeze(-1)
        pooled = (hidden * weights).sum(1) / weights.sum(1)
        return self.head(sites(pooled))


class HfBert(Classifier):
    """main/models/pretrained-classifier.ts's BERT (Hugging Face's BertForSequenceClassification):
    our layers plus a token-type table, LayerNorm eps 1e-12, exact erf GELU, and the [CLS] token
    through a tanh pooler instead of mean pooling."""

    def __init__(self, vocab, dim, layers, heads, ffn, classes=2):
        super().__init__(vocab, dim, layers, heads, ffn, classes)
        self.token_type = torch.nn.Parameter(torch.randn(2, dim) * 0.02)
        self.pooler = torch.nn.Linear(dim, dim)
        for norm in [self.embed_norm] + [b[n] for b in self.blocks for n in ("norm1", "norm2")]:
            norm.eps = 1e-12

    def forward(self, ids, mask, rates):
        copies = len(rates)
        sites = Sites(rates)
        rows, length = ids.shape
        embedded = self.embed_norm(F.embedding(ids, self.token) + self.position[:length] + self.token_type[0])
        hidden = sites(embedded.repeat(copies, 1, 1))
        mask = mask.repeat(copies, 1)
        bias = ((1 - mask) * -1e9).view(rows * copies, 1, 1, length)
        dim = hidden.shape[-1]
        head_dim = dim // self.heads
        for b in self.blocks:
            def to_heads(t):
                return t.view(rows * copies, length, self.heads, head_dim).transpose(1, 2)
            q = to_heads(b["q"](hidden) / math.sqrt(head_dim))
            k, v = to_heads(b["k"](hidden)), to_heads(b["v"](hidden))
            attention = sites(torch.softmax(q @ k.transpose(-1, -2) + bias, -1))
            context = (attention @ v).transpose(1, 2).reshape(rows * copies, length, dim)
            hidden = b["norm1"](hidden + sites(b["out"](context)))
            hidden = b["norm2"](hidden + sites(b["ffn_out"](F.gelu(b["ffn_in"](hidden)))))
        pooled = torch.tanh(self.pooler(hidden[:, 0]))
        return self.head(sites(pooled))


def comparative_loss(task_losses):
    """[B, 1 + C] -> mean over the batch of sum_{i<j} max(0, l_i - l_j) / P over [l0..lC, b = 0]."""
    listed = torch.cat([task_losses, torch.zeros(task_losses.shape[0], 1)], 1)
    m = listed.shape[1]
    upper = torch.triu(torch.ones(m, m), diagonal=1)
    hinged = torch.clamp(listed.unsqueeze(2) - listed.unsqueeze(1), min=0)
    return ((hinged * upper).sum((1, 2)) / (m * (m - 1) / 2)).mean()


def time_steps(name, loss, steps):
    torch.manual_seed(1)
    architecture, shape = SHAPES[name]
    model = (HfBert if architecture == "hf-bert" else Classifier)(**shape)
    decayed = [p for p in model.parameters() if p.dim() >= 2]
    others = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [dict(params=decayed, weight_decay=WEIGHT_DECAY), dict(params=others, weight_decay=0.0)], lr=LR)
    ids = torch.randint(2, shape["vocab"], (BATCH, SEQ))
    mask = torch.ones(BATCH, SEQ)
    labels = torch.arange(BATCH) % 2
    rates = [DROPOUT] if loss == "baseline" else [0.0] + [1 - (1 - DROPOUT) ** k for k in (1, 2)]
    durations, cpu_durations = [], []
    for step in range(WARMUP + steps):
        began, cpu_began = time.perf_counter(), time.process_time()
        logits = model(ids, mask, rates)
        per_row = F.cross_entropy(logits, labels.repeat(len(rates)), reduction="none")
        if loss == "baseline":
            objective = per_row.mean()
        else:
            objective = comparative_loss(per_row.view(len(rates), BATCH).t())
        optimizer.zero_grad(set_to_none=True)
        objective.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        optimizer.step()
        if step >= WARMUP:
            durations.append((time.perf_counter() - began) * 1000)
            cpu_durations.append((time.process_time() - cpu_began) * 1000)
    return dict(msPerStep=statistics.median(durations), cpuMsPerStep=statistics.median(cpu_durations), minMs=min(durations), maxMs=max(durations), steps=len(durations))


def blas_info():
    """Debian's torch links the generic libblas.so.3, which update-alternatives points at OpenBLAS."""
    for part in torch.__config__.show().split(","):
        if "BLAS_INFO" in part:
            return part.split("=")[-1].strip()
    return "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    shapes = {}
    for name in args.shapes.split(","):
        baseline = time_steps(name, "baseline", args.steps)
        comparative = time_steps(name, "comparative", args.steps)
        shapes[name] = dict(architecture=SHAPES[name][0], model=SHAPES[name][1], baseline=baseline, comparative=comparative,
                            comparativeOverBaseline=comparative["msPerStep"] / baseline["msPerStep"])
    print(json.dumps(dict(
        torch=torch.__version__, threads=torch.get_num_threads(), blas=blas_info(),
        batchSize=BATCH, seqLength=SEQ, warmupSteps=WARMUP, timedSteps=args.steps, shapes=shapes)))


if __name__ == "__main__":
    main()
