#!/usr/bin/env python3
"""Reference logits for the tiny pretrained fixtures, computed independently of the TypeScript code.

Written from the published architectures (BERT: Devlin et al. 2019; RoBERTa: Liu et al. 2019;
ELECTRA: Clark et al. 2020; DistilBERT: Sanh et al. 2019, as implemented in Hugging Face
transformers' modeling_bert / modeling_roberta / modeling_electra / modeling_distilbert), in plain
PyTorch (no transformers package), in float64.
Safetensors files are read by hand: 8-byte little-endian header length, JSON header, raw data.

Usage: python3 test/reference/hf_reference.py <fixtures-folder> [out.json]
Writes {family: {inputs, token_type_ids, attention_mask, logits, last_hidden_state}} as JSON.
"""
import json
import math
import struct
import sys
import time

import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", (name, entry["dtype"])
        begin, end = entry["data_offsets"]
        raw = bytearray(data[base + begin : base + end])
        tensors[name] = torch.frombuffer(raw, dtype=torch.float32).reshape(entry["shape"]).double()
    return tensors


def gelu(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def linear(x, w, prefix):
    return x @ w[prefix + ".weight"].T + w[prefix + ".bias"]


def layer_norm(x, w, prefix, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * w[prefix + ".weight"] + w[prefix + ".bias"]


def encoder(cfg, w, ids, types, mask):
    family = cfg["model_type"]
    p = family + "."
    eps = cfg["layer_norm_eps"]
    batch, length = ids.shape
    if family == "roberta":
        # create_position_ids_from_input_ids: padding_idx + cumulative count of non-pad tokens.
        pad = cfg["pad_token_id"]
        real = (ids != pad).long()
        positions = torch.cumsum(real, dim=1) * real + pad
    else:
        positions = torch.arange(length).unsqueeze(0).expand(batch, length)
    x = (
        w[p + "embeddings.word_embeddings.weight"][ids]
        + w[p + "embeddings.position_embeddings.weight"][positions]
        + w[p + "embeddings.token_type_embeddings.weight"][types]
    )
    x = layer_norm(x, w, p + "embeddings.LayerNorm", eps)
    if p + "embeddings_project.weight" in w:
        x = linear(x, w, p + "embeddings_project")
    heads = cfg["num_attention_heads"]
    hidden = cfg["hidden_size"]
    d = hidden // heads
    bias = (1.0 - mask.double())[:, None, None, :] * torch.finfo(torch.float64).min

    def split(t):
        return t.view(batch, length, heads, d).transpose(1, 2)

    for i in range(cfg["num_hidden_layers"]):
        L = f"{p}encoder.layer.{i}."
        q = split(linear(x, w, L + "attention.self.query"))
        k = split(linear(x, w, L + "attention.self.key"))
        v = split(linear(x, w, L + "attention.self.value"))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + bias
        probs = torch.softmax(scores, dim=-1)
        context = (probs @ v).transpose(1, 2).reshape(batch, length, hidden)
        attn = layer_norm(linear(context, w, L + "attention.output.dense") + x, w, L + "attention.output.LayerNorm", eps)
        inter = gelu(linear(attn, w, L + "intermediate.dense"))
        x = layer_norm(linear(inter, w, L + "output.dense") + attn, w, L + "output.LayerNorm", eps)
    return x


def distilbert_encoder(cfg, w, ids, mask):
    """modeling_distilbert: no token types, LayerNorm eps 1e-12 in the code, q_lin/k_lin/v_lin/out_lin,
    masked_fill of padded keys, no dropout (hence nothing) between out_lin and sa_layer_norm."""
    p = "distilbert."
    eps = 1e-12
    batch, length = ids.shape
    positions = torch.arange(length).unsqueeze(0).expand(batch, length)
    x = w[p + "embeddings.word_embeddings.weight"][ids] + w[p + "embeddings.position_embeddings.weight"][positions]
    x = layer_norm(x, w, p + "embeddings.LayerNorm", eps)
    heads = cfg["n_heads"]
    dim = cfg["dim"]
    d = dim // heads
    padded = (mask == 0)[:, None, None, :]

    def split(t):
        return t.view(batch, length, heads, d).transpose(1, 2)

    for i in range(cfg["n_layers"]):
        L = f"{p}transformer.layer.{i}."
        q = split(linear(x, w, L + "attention.q_lin")) / math.sqrt(d)
        k = split(linear(x, w, L + "attention.k_lin"))
        v = split(linear(x, w, L + "attention.v_lin"))
        scores = (q @ k.transpose(2, 3)).masked_fill(padded, torch.finfo(torch.float64).min)
        weights = torch.softmax(scores, dim=-1)
        context = (weights @ v).transpose(1, 2).reshape(batch, length, dim)
        sa = layer_norm(linear(context, w, L + "attention.out_lin") + x, w, L + "sa_layer_norm", eps)
        ffn = linear(gelu(linear(sa, w, L + "ffn.lin1")), w, L + "ffn.lin2")
        x = layer_norm(ffn + sa, w, L + "output_layer_norm", eps)
    return x


def head(cfg, w, hidden_states):
    first = hidden_states[:, 0]
    family = cfg["model_type"]
    if family == "distilbert":
        return linear(torch.relu(linear(first, w, "pre_classifier")), w, "classifier")
    if family == "bert":
        pooled = torch.tanh(linear(first, w, "bert.pooler.dense"))
        return linear(pooled, w, "classifier")
    act = gelu if family == "electra" else torch.tanh
    return linear(act(linear(first, w, "classifier.dense")), w, "classifier.out_proj")


def vocabulary(folder, family):
    if family == "roberta":
        with open(f"{folder}/vocab.json", encoding="utf8") as f:
            return json.load(f)
    with open(f"{folder}/vocab.txt", encoding="utf8") as f:
        return {token: i for i, token in enumerate(f.read().splitlines())}


# Token sequences (special tokens included) with their segment ids; padded below.
INPUTS = {
    "bert": [
        (["[CLS]", "the", "movie", "was", "great", "!", "[SEP]"], None),
        (["[CLS]", "i", "hate", "##d", "it", "[SEP]", "what", "a", "bad", "film", "[SEP]"], 6),
        (["[CLS]", "boring", "[SEP]"], None),
    ],
    "electra": [
        (["[CLS]", "the", "cat", "sat", "on", "the", "mat", ".", "[SEP]"], None),
        (["[CLS]", "did", "you", "like", "it", "?", "[SEP]", "not", "really", "[SEP]"], 7),
    ],
    "roberta": [
        (["<s>", "the", "Ġmovie", "Ġwas", "Ġgreat", "</s>"], None),
        (["<s>", "this", "Ġfilm", "Ġwas", "Ġnot", "Ġgood", "</s>", "</s>", "bad", "Ġplot", "</s>"], None),
        (["<s>", "love", "</s>"], None),
    ],
    "distilbert": [
        (["[CLS]", "the", "film", "was", "boring", ".", "[SEP]"], None),
        (["[CLS]", "i", "watch", "##ed", "the", "film", "[SEP]", "it", "was", "fun", "[SEP]"], 7),
        (["[CLS]", "very", "good", "[SEP]"], None),
    ],
}


def main():
    folder = sys.argv[1]
    out = {}
    started = time.time()
    torch.set_grad_enabled(False)
    for family, rows in INPUTS.items():
        with open(f"{folder}/{family}/config.json", encoding="utf8") as f:
            cfg = json.load(f)
        w = read_safetensors(f"{folder}/{family}/model.safetensors")
        vocab = vocabulary(f"{folder}/{family}", family)
        pad = cfg["pad_token_id"]
        length = max(len(tokens) for tokens, _ in rows)
        ids, types, mask = [], [], []
        for tokens, second_start in rows:
            row = [vocab[t] for t in tokens]
            n = len(row)
            ids.append(row + [pad] * (length - n))
            start = n if second_start is None else second_start
            # Segment ids of a pair (DistilBERT has no token type embeddings: its rows are not read).
            types.append([0 if j < start or j >= n else 1 for j in range(length)])
            mask.append([1] * n + [0] * (length - n))
        ids_t, types_t, mask_t = torch.tensor(ids), torch.tensor(types), torch.tensor(mask)
        if family == "distilbert":
            hidden = distilbert_encoder(cfg, w, ids_t, mask_t)
        else:
            hidden = encoder(cfg, w, ids_t, types_t, mask_t)
        logits = head(cfg, w, hidden)
        out[family] = {
            "input_ids": ids,
            "token_type_ids": types,
            "attention_mask": mask,
            "logits": logits.tolist(),
            "last_hidden_state": hidden.tolist(),
        }
    text = json.dumps(out)
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w", encoding="utf8") as f:
            f.write(text + "\n")
    else:
        print(text)
    print(f"reference computed in {time.time() - started:.3f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
