#!/usr/bin/env python3
"""PyTorch reference for bench/qa-step.ts: the same QA training step, timed the same way (median ms
per step after warm-up). Prints ONE JSON object on stdout.

Run: python3 bench/pytorch_qa_step.py [--steps 5] [--threads 2] [--warmup 2]

The encoder is bench/pytorch_step.py's Classifier at the BERT-tiny shape (op for op our built-in
model), read per token: a Linear(dim, 2) head gives start and end logits, masked to the context
[CONTEXT_START, SEQ - 1) plus position 0 (the "no answer" token) with -1e9 elsewhere, as
main/tasks/question-answering.ts does. Per-row loss = mean of the start and end cross-entropies.
Comparative (C = 2 nested dropout copies [full, p1, p2], one batched forward): the reference code's
CmpQA, the pairwise hinge over [l0, l1, l2, b = 0] / P computed separately for the start losses
and for the end losses, then averaged. Then global-norm clipping at 1 and AdamW, as pytorch_step.py.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

from pytorch_step import BERT_TINY, CLIP, DROPOUT, LR, WEIGHT_DECAY, Classifier, blas_info, comparative_loss

BATCH, SEQ = 16, 384  # run_qa.py's window; bench/qa-step.ts QA_BATCH, QA_LENGTH
CONTEXT_START = 24  # after "[CLS] question [SEP]", as bench/qa-step.ts


class SpanReader(Classifier):
    def __init__(self, **shape):
        super().__init__(**shape, classes=2, max_length=SEQ)

    def forward(self, ids, mask, rates):
        hidden, _, _ = self.encode(ids, mask, rates)
        logits = self.head(hidden)  # [copies * rows, length, 2]
        return logits[..., 0], logits[..., 1]


def batch():
    """One fixed batch like bench/qa-step.ts qaBatch: answers inside the context, every 4th row without one."""
    g = torch.Generator().manual_seed(7)
    ids = torch.randint(2, BERT_TINY["vocab"], (BATCH, SEQ), generator=g)
    starts, ends = [], []
    for i in range(BATCH):
        if i % 4 == 3:
            starts.append(0)
            ends.append(0)
            continue
        s = CONTEXT_START + int(torch.randint(0, SEQ - 1 - CONTEXT_START - 30, (1,), generator=g))
        starts.append(s)
        ends.append(s + int(torch.randint(0, 30, (1,), generator=g)))
    allowed = torch.zeros(SEQ)
    allowed[CONTEXT_START:SEQ - 1] = 1
    allowed[0] = 1
    return ids, torch.tensor(starts), torch.tensor(ends), (1 - allowed) * -1e9


def time_steps(loss, steps, warmup):
    torch.manual_seed(1)
    model = SpanReader(**BERT_TINY)
    decayed = [p for p in model.parameters() if p.dim() >= 2]
    others = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([dict(params=decayed, weight_decay=WEIGHT_DECAY), dict(params=others, weight_decay=0.0)], lr=LR)
    ids, starts, ends, outside = batch()
    mask = torch.ones(BATCH, SEQ)
    rates = [DROPOUT] if loss == "baseline" else [0.0] + [1 - (1 - DROPOUT) ** k for k in (1, 2)]
    copies = len(rates)
    durations, cpu_durations = [], []
    for step in range(warmup + steps):
        began, cpu_began = time.perf_counter(), time.process_time()
        start_logits, end_logits = model(ids, mask, rates)
        start_loss = F.cross_entropy(start_logits + outside, starts.repeat(copies), reduction="none")
        end_loss = F.cross_entropy(end_logits + outside, ends.repeat(copies), reduction="none")
        if loss == "baseline":
            objective = ((start_loss + end_loss) / 2).mean()
        else:
            per_copy = lambda l: l.view(copies, BATCH).t()
            objective = (comparative_loss(per_copy(start_loss)) + comparative_loss(per_copy(end_loss))) / 2
        optimizer.zero_grad(set_to_none=True)
        objective.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        optimizer.step()
        if step >= warmup:
            durations.append((time.perf_counter() - began) * 1000)
            cpu_durations.append((time.process_time() - cpu_began) * 1000)
    return dict(msPerStep=statistics.median(durations), cpuMsPerStep=statistics.median(cpu_durations), minMs=min(durations), maxMs=max(durations), steps=len(durations))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    baseline = time_steps("baseline", args.steps, args.warmup)
    comparative = time_steps("comparative", args.steps, args.warmup)
    print(json.dumps(dict(torch=torch.__version__, threads=torch.get_num_threads(), blas=blas_info(), batchSize=BATCH, seqLength=SEQ,
                          baseline=baseline, comparative=comparative, comparativeOverBaseline=comparative["msPerStep"] / baseline["msPerStep"])))


if __name__ == "__main__":
    main()
