#!/usr/bin/env python3
"""Reference masked-language-model logits and loss of a BertForMaskedLM folder, in plain PyTorch
(float64, no transformers package), written from transformers' modeling_bert.py:
BertLMPredictionHead = transform (dense, GELU, LayerNorm) then a decoder whose weight is the word
embedding table (tied) plus cls.predictions.bias; loss = CrossEntropyLoss(ignore_index=-100).
The encoder is hf_reference.py's.

Usage: python3 test/reference/mlm_reference.py <folder> <batch.json>
batch.json: {"input_ids": [[...]], "attention_mask": [[...]], "labels": [[...]]} (-100 = not predicted)
Prints {"logits": [[vocab] per predicted position, row-major order], "loss": x} as JSON.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hf_reference import encoder, gelu, layer_norm, linear, read_safetensors  # noqa: E402


def main():
    folder, batch_file = sys.argv[1], sys.argv[2]
    torch.set_grad_enabled(False)
    with open(f"{folder}/config.json", encoding="utf8") as f:
        cfg = json.load(f)
    with open(batch_file, encoding="utf8") as f:
        batch = json.load(f)
    w = read_safetensors(f"{folder}/model.safetensors")
    ids = torch.tensor(batch["input_ids"])
    mask = torch.tensor(batch["attention_mask"])
    labels = torch.tensor(batch["labels"])
    hidden = encoder(cfg, w, ids, torch.zeros_like(ids), mask)
    x = gelu(linear(hidden, w, "cls.predictions.transform.dense"))
    x = layer_norm(x, w, "cls.predictions.transform.LayerNorm", cfg["layer_norm_eps"])
    logits = x @ w["bert.embeddings.word_embeddings.weight"].T + w["cls.predictions.bias"]
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)
    picked = logits.reshape(-1, logits.shape[-1])[labels.reshape(-1) != -100]
    print(json.dumps({"logits": picked.tolist(), "loss": loss.item()}))


if __name__ == "__main__":
    main()
