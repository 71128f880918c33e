#!/usr/bin/env python3
"""PyTorch reference of the comparative loss for question answering (the reference's CmpQA,
docs/method.md#question-answering), written from the paper's definition, not from our code:
test/unit/cmpqa-reference.test.ts compares main/training/objectives.ts partsObjectiveTerms over
main/tasks/question-answering.ts's start/end losses, and their gradients, against it.

stdin: {"cases": [{"batch": B, "copies": 1 + C, "target": "ultra"|"best"|"first", "temperature": T,
         "outputs": [[...2L...], ...rows = copies * B], "spans": [{"start", "end", "contextStart", "contextStop"}]}]}
stdout: {"cases": [{"cmp", "cmpGrad", "baseline", "baselineGrad", "startLosses", "endLosses"}]}

Rows of copy k are k*B .. (k+1)*B - 1 (main/training/training-step.ts). Everything runs in float64:
these are the true values our float32 ones are measured against.
"""
import json
import sys

import torch
import torch.nn.functional as F


def row_losses(outputs, spans, copies):
    """Per-row start and end cross-entropy over positions, each restricted to the context and position 0."""
    rows, width = outputs.shape
    length = width // 2
    repeat = lambda key: torch.tensor([s[key] for s in spans], dtype=torch.long).repeat(copies)
    context_start, context_stop = repeat("contextStart"), repeat("contextStop")
    positions = torch.arange(length).unsqueeze(0)
    allowed = ((positions >= context_start.unsqueeze(1)) & (positions < context_stop.unsqueeze(1))) | (positions == 0)
    # -inf, not a large finite number: the softmax runs over the allowed positions only.
    restrict = lambda logits: logits.masked_fill(~allowed, float("-inf"))
    start = F.cross_entropy(restrict(outputs[:, :length]), repeat("start"), reduction="none")
    end = F.cross_entropy(restrict(outputs[:, length:]), repeat("end"), reduction="none")
    return start, end


def dummy(table, target):
    """b per example, detached: ultra 0; best min(l0..lC); first the midpoint of l0 and the best ablated copy when l0 wins, else that copy."""
    table = table.detach()
    if target == "ultra":
        return torch.zeros(table.shape[0], dtype=table.dtype)
    if target == "best":
        return table.min(1).values
    full, best_ablated = table[:, 0], table[:, 1:].min(1).values
    return torch.where(full < best_ablated, (full + best_ablated) / 2, best_ablated)


def comparative(table, target, temperature):
    """Batch mean of (1/P) sum_{i<j} max(0, (l_i - l_j) / T) over [l0..lC, b]; clamp's gradient at 0 is 1."""
    listed = torch.cat([table, dummy(table, target).unsqueeze(1)], 1)
    m = listed.shape[1]
    pairs = [torch.clamp((listed[:, i] - listed[:, j]) / temperature, min=0) for i in range(m) for j in range(i + 1, m)]
    return (torch.stack(pairs, 1).sum(1) / len(pairs)).mean()


def one_case(case):
    batch, copies = case["batch"], case["copies"]
    result = {}
    # CmpQA: the start losses and the end losses ranked separately, the two objectives averaged.
    outputs = torch.tensor(case["outputs"], dtype=torch.float64, requires_grad=True)
    start, end = row_losses(outputs, case["spans"], copies)
    table = lambda per_row: per_row.view(copies, batch).t()  # [B, copies]
    cmp = (comparative(table(start), case["target"], case["temperature"]) + comparative(table(end), case["target"], case["temperature"])) / 2
    cmp.backward()
    result.update(cmp=cmp.item(), cmpGrad=outputs.grad.tolist(), startLosses=start.tolist(), endLosses=end.tolist())
    # Baseline: the mean over rows of (start + end) / 2, as run_qa's BertForQuestionAnswering.
    outputs = torch.tensor(case["outputs"], dtype=torch.float64, requires_grad=True)
    start, end = row_losses(outputs, case["spans"], copies)
    baseline = ((start + end) / 2).mean()
    baseline.backward()
    result.update(baseline=baseline.item(), baselineGrad=outputs.grad.tolist())
    return result


def main():
    cases = json.load(sys.stdin)["cases"]
    print(json.dumps({"torch": torch.__version__, "cases": [one_case(case) for case in cases]}))


if __name__ == "__main__":
    main()
