#!/usr/bin/env python3
"""Relations twin: does a plain-PyTorch twin of the engine's `small` MLLM learn Shapes "relation" questions?

Trains the model from scratch (SFT on the chosen answer of split=="train" pairs) and scores held-out (split=="test")
questions by comparing the summed log-prob of the two candidate answers (+ end token).

  python3 bench/peers/relations_twin.py --data /work/exp/relonly-data --run twin
  python3 bench/peers/relations_twin.py --data /work/exp/relonly-data --run twin-pos
  python3 bench/peers/relations_twin.py --data /work/exp/relonly-data --run twin --epochs 12   # "twin-long"

Runs: twin = the `small` preset (SigLIP-style tower 32 px / patch 4 / 64 wide / 3 layers, features = hidden state -2,
projector Linear-GELU(exact)-Linear, Qwen2 LM 64 wide / 2 layers / 4 heads / 2 KV heads, vocab 128, tied embeddings);
twin-pos = the same with the vision position embedding initialised to a 2-D sin-cos table (amplitude 0.3; still
trained) and the projector's GELU removed. AdamW lr 3e-4, weight decay 0, batch 16, grad-clip 1.0, init normal(0, 0.02)
/ zeros / ones. Sequence: [64 image tokens] + question tokens + answer tokens + <|endoftext|>; loss on the answer
tokens and the end token. The model is twin_model.py's, the data and scoring helpers twin_data.py's.
No PIL needed: PNGs are decoded with zlib (twin_data.py). Prints the training loss every 100 steps and one Markdown row per run.
"""
import argparse
import json
import os
import random
import sys
import time

from peer_torch import import_torch

p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument('--data', required=True, help='Shapes world folder with pairs.jsonl, tokenizer.json, images/')
p.add_argument('--run', choices=['twin', 'twin-pos'], action='append', help='may be repeated; default twin')
p.add_argument('--epochs', type=int, default=4)
p.add_argument('--batch', type=int, default=16)
p.add_argument('--lr', type=float, default=3e-4)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--threads', type=int, default=1)
p.add_argument('--log-every', type=int, default=100)
p.add_argument('--kind', default='relation', help='pair kind to use (default relation)')
args = p.parse_args()
torch = import_torch(args.threads)
from twin_model import Mllm  # noqa: E402
from twin_data import SMALL, Tokenizer, acc_str, collate, read_png, seq_logps, text_of  # noqa: E402


# ------------------------------------------------------------------------------------------------------ data ----


def load(data_dir, kind):
    tok = Tokenizer(os.path.join(data_dir, 'tokenizer.json'))
    pairs = [json.loads(line) for line in open(os.path.join(data_dir, 'pairs.jsonl'))]
    if kind:
        pairs = [q for q in pairs if q.get('kind') == kind]
    cache = {}
    items = {'train': [], 'test': []}
    for q in pairs:
        img = q['images'][0]
        if img not in cache:
            rgb, h, w = read_png(os.path.join(data_dir, img))
            x = torch.frombuffer(bytearray(rgb), dtype=torch.uint8).view(h, w, 3).permute(2, 0, 1)
            cache[img] = len(cache), x
        question = text_of(q['prompt'])
        items[q['split']].append(dict(
            image=cache[img][0], question=question, q_ids=tok.encode(question),
            chosen=text_of(q['chosen']), rejected=text_of(q['rejected']),
            chosen_ids=tok.encode(text_of(q['chosen'])) + [tok.eos],
            rejected_ids=tok.encode(text_of(q['rejected'])) + [tok.eos],
            axis='x' if ('left' in question.lower() or 'right' in question.lower()) else 'y'))
    images = torch.stack([x for _, x in sorted(cache.values(), key=lambda v: v[0])])
    pixels = (images.float() / 255.0 - 0.5) / 0.5
    unk = sum(i.count(tok.unk) for s in items.values() for it in s for i in (it['q_ids'], it['chosen_ids']))
    return tok, pixels, items, unk


def sincos_2d(grid, dim, amplitude):
    """[grid*grid, dim]: per patch (row-major, y*grid + x) quarters sin(x w_k), cos(x w_k), sin(y w_k), cos(y w_k)."""
    q = dim // 4
    w = 1.0 / (10000.0 ** (torch.arange(q, dtype=torch.float64) / q))
    ys, xs = torch.meshgrid(torch.arange(grid, dtype=torch.float64), torch.arange(grid, dtype=torch.float64), indexing='ij')
    x, y = xs.reshape(-1, 1) * w, ys.reshape(-1, 1) * w
    return (amplitude * torch.cat([x.sin(), x.cos(), y.sin(), y.cos()], dim=1)).float()


@torch.no_grad()
def evaluate(model, items, pixels, n_image, pad, batch=64):
    model.eval()
    res = {'x': [0, 0], 'y': [0, 0]}
    given = {}
    for s in range(0, len(items), batch):
        chunk = items[s:s + batch]
        rows = [(it['image'], it['q_ids'], it['chosen_ids']) for it in chunk] + \
               [(it['image'], it['q_ids'], it['rejected_ids']) for it in chunk]
        lp, m = seq_logps(model, collate(rows, pixels, n_image, pad))
        score = (lp * m).sum(-1)
        c, r = score[:len(chunk)], score[len(chunk):]
        for it, sc, sr in zip(chunk, c.tolist(), r.tolist()):
            ok = sc > sr
            res[it['axis']][0] += ok
            res[it['axis']][1] += 1
            ans = it['chosen'] if ok else it['rejected']
            given[ans] = given.get(ans, 0) + 1
    model.train()
    return res, given


def run(name, epochs, tok, pixels, items):
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    cfg = SMALL
    model = Mllm(cfg, 'manual', projector_gelu=(name != 'twin-pos'))
    n_image = model.vision_tower.num_patches
    if name == 'twin-pos':
        with torch.no_grad():
            g = cfg['vision']['image_size'] // cfg['vision']['patch_size']
            model.vision_tower.position_embedding.copy_(sincos_2d(g, cfg['vision']['hidden'], 0.3))
    # Only parameters that get gradients (blocks after the feature layer and post_layernorm are unused).
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    train = items['train']
    order = list(range(len(train)))
    step, losses, t0, window = 0, [], time.time(), []
    label = name if epochs == 4 else f'{name} ({epochs} ep)'
    if args.lr != 3e-4:
        label += f' lr {args.lr:g}'
    for ep in range(epochs):
        rng.shuffle(order)
        for s in range(0, len(order), args.batch):
            chunk = [train[i] for i in order[s:s + args.batch]]
            b = collate([(it['image'], it['q_ids'], it['chosen_ids']) for it in chunk], pixels, n_image, tok.eos)
            lp, m = seq_logps(model, b)
            loss = -(lp * m).sum() / m.sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            window.append(loss.item())
            if step % args.log_every == 0:
                losses.append(sum(window) / len(window))
                print(f'[{label}] step {step} epoch {ep + 1} loss {losses[-1]:.4f} ({time.time() - t0:.0f}s)',
                      file=sys.stderr, flush=True)
                window = []
        res, given = evaluate(model, items['test'], pixels, n_image, tok.eos)
        tk = res['x'][0] + res['y'][0]
        tn = res['x'][1] + res['y'][1]
        print(f'[{label}] end of epoch {ep + 1}: held-out acc {acc_str(tk, tn)} (x {acc_str(*res["x"])}, '
              f'y {acc_str(*res["y"])})', file=sys.stderr, flush=True)
    wall = time.time() - t0
    final_loss = (sum(window) / len(window)) if window else (losses[-1] if losses else float('nan'))
    res, given = evaluate(model, items['test'], pixels, n_image, tok.eos)
    tres, _ = evaluate(model, train[:800], pixels, n_image, tok.eos)
    tk, tn = res['x'][0] + res['y'][0], res['x'][1] + res['y'][1]
    trk, trn = tres['x'][0] + tres['y'][0], tres['x'][1] + tres['y'][1]
    given_s = ', '.join(f'{k!r} {v}' for k, v in sorted(given.items()))
    return (f'| {label} | {step} | {wall:.0f} s | {final_loss:.4f} | {acc_str(*res["x"])} (n={res["x"][1]}) | '
            f'{acc_str(*res["y"])} (n={res["y"][1]}) | {acc_str(tk, tn)} | {given_s} | {acc_str(trk, trn)} |')


def main():
    t = time.time()
    tok, pixels, items, unk = load(args.data, args.kind)
    test = items['test']
    counts = {}
    for it in test:
        counts[it['chosen']] = counts.get(it['chosen'], 0) + 1
    prior = {ax: max([sum(1 for it in test if it['axis'] == ax and it['chosen'] == a) for a in
                      set(it['chosen'] for it in test if it['axis'] == ax)] or [0]) /
             max(1, sum(1 for it in test if it['axis'] == ax)) for ax in ('x', 'y')}
    print(f'loaded {len(items["train"])} train / {len(test)} test questions, {pixels.shape[0]} images, '
          f'{unk} unknown tokens, in {time.time() - t:.0f}s; test answers {counts}; majority prior x {prior["x"]:.3f} '
          f'y {prior["y"]:.3f}; example {items["train"][0]["question"]!r} -> {items["train"][0]["q_ids"]} + '
          f'{items["train"][0]["chosen_ids"]}', file=sys.stderr, flush=True)
    print('| run | steps | wall | final train loss | held-out x | held-out y | held-out all | answers given | '
          'train (first 800) |')
    print('|---|---|---|---|---|---|---|---|---|')
    for name in args.run or ['twin']:
        print(run(name, args.epochs, tok, pixels, items), flush=True)


if __name__ == '__main__':
    main()
