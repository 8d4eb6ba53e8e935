#!/usr/bin/env python3
"""Curriculum twin: does a single-object "position" curriculum (or mixing it in) make Shapes relations learnable?

Trains the plain-PyTorch twin of the engine's `small` MLLM (bench/peers/twin_model.py, the `twin` run of
relations_twin.py: SigLIP-style tower 32 px / patch 4 / 64 wide / 3 layers, MLP projector with exact GELU, Qwen2 LM
64 wide / 2 layers, tied embeddings) from scratch and scores held-out questions by the summed log-prob of the two
candidate answers (+ end token), exactly as relations_twin.py does.

Position questions are built from metadata.jsonl, one per object and axis, answerable from that one object alone
(cx, cy in pixels of the 32-px image; objects within --margin px of the centre line 16 are skipped; the image's
train/test split is kept). The tokenizer has no "top"/"bottom"/"at"/"half", so the templates use vocabulary words only:

  "Is the yellow cross on the left or the right?"  -> "On the left."  / "On the right."   (cx < 16 / cx >= 16)
  "Is the yellow cross upper or lower?"            -> "Upper."        / "Lower."          (cy < 16 / cy >= 16)

(the y answers deliberately avoid "Above."/"Below.", the relation answers; the x answers share "left"/"right" with
the relation answers "To the left."/"To the right.", as the natural wording does). By default position questions are
built only for the images that carry a relation pair (--pos-images relation), so every run decodes the same PNGs.

Runs (--run, repeatable; each from scratch with the same seed, so the same initial weights):
  relations   relation pairs only for --rel-epochs epochs (the baseline of relations_twin.py)
  curriculum  position questions for --pos-epochs epochs, then relation questions for --rel-epochs epochs
  mixed       position and relation questions shuffled together, for the same total steps as curriculum
Epoch counts may be fractional (a phase then stops after that share of its shuffled questions).

  nice -n 10 /usr/bin/python3 bench/peers/curriculum_twin.py --data /work/exp/relonly-data --threads 1 \
      --run relations --run curriculum --run mixed --pos-epochs 1 --rel-epochs 2

The model comes from twin_model.py, the data and scoring helpers from twin_data.py (shared with relations_twin.py).
AdamW (weight decay 0, betas 0.9/0.999), batch 16, grad-clip 1.0, init as the engine. Prints the training loss every
--log-every steps, an evaluation at the end of each phase, and one Markdown row per run at the end.
"""
import argparse
import json
import math
import os
import random
import sys
import time

from peer_torch import import_torch

p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument('--data', required=True, help='Shapes world folder with pairs.jsonl, metadata.jsonl, tokenizer.json, images/')
p.add_argument('--run', choices=['relations', 'curriculum', 'mixed'], action='append',
               help='may be repeated; default relations, curriculum, mixed')
p.add_argument('--pos-epochs', type=float, default=1.0, help='position epochs of the curriculum (E1)')
p.add_argument('--rel-epochs', type=float, default=2.0, help='relation epochs (E2; also the relations baseline)')
p.add_argument('--pos-images', choices=['relation', 'all'], default='relation',
               help='build position questions for the images with a relation pair (default) or for all images')
p.add_argument('--margin', type=float, default=2.0, help='skip objects within this many px of the centre line')
p.add_argument('--batch', type=int, default=16)
p.add_argument('--lr', type=float, default=3e-4)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--threads', type=int, default=1)
p.add_argument('--log-every', type=int, default=100)
p.add_argument('--eval-every', type=int, default=0, help='also evaluate every this many steps (0: phase ends only)')
p.add_argument('--max-steps', type=int, default=0, help='stop every run after this many steps (timing probes)')
args = p.parse_args()
torch = import_torch(args.threads)
from twin_model import Mllm  # noqa: E402
from twin_data import SMALL, Tokenizer, acc_str, collate, read_png, seq_logps, text_of  # noqa: E402


# ------------------------------------------------------------------------------------------------------ data ----

def item(tok, image, question, chosen, rejected, kind, axis):
    return dict(image=image, question=question, q_ids=tok.encode(question), chosen=chosen, rejected=rejected,
                chosen_ids=tok.encode(chosen) + [tok.eos], rejected_ids=tok.encode(rejected) + [tok.eos],
                kind=kind, axis=axis)


def position_questions(obj):
    """[(question, chosen, rejected, axis)] for one object; an axis is skipped when the object is near its centre line."""
    name = f"{obj['color']} {obj['shape']}"
    out = []
    if abs(obj['cx'] - 16) >= args.margin:
        left = obj['cx'] < 16
        out.append((f'Is the {name} on the left or the right?', 'On the left.' if left else 'On the right.',
                    'On the right.' if left else 'On the left.', 'x'))
    if abs(obj['cy'] - 16) >= args.margin:
        up = obj['cy'] < 16
        out.append((f'Is the {name} upper or lower?', 'Upper.' if up else 'Lower.', 'Lower.' if up else 'Upper.', 'y'))
    return out


def load(data_dir):
    tok = Tokenizer(os.path.join(data_dir, 'tokenizer.json'))
    pairs = [json.loads(line) for line in open(os.path.join(data_dir, 'pairs.jsonl'))]
    pairs = [q for q in pairs if q.get('kind') == 'relation']
    meta = [json.loads(line) for line in open(os.path.join(data_dir, 'metadata.jsonl'))]
    cache = {}

    def image_index(img):
        if img not in cache:
            rgb, h, w = read_png(os.path.join(data_dir, img))
            x = torch.frombuffer(bytearray(rgb), dtype=torch.uint8).view(h, w, 3).permute(2, 0, 1)
            cache[img] = len(cache), x
        return cache[img][0]

    rel = {'train': [], 'test': []}
    for q in pairs:
        question = text_of(q['prompt'])
        rel[q['split']].append(item(tok, image_index(q['images'][0]), question, text_of(q['chosen']),
                                    text_of(q['rejected']), 'relation',
                                    'x' if ('left' in question.lower() or 'right' in question.lower()) else 'y'))
    rel_images = set(q['images'][0] for q in pairs)
    pos = {'train': [], 'test': []}
    for m in meta:
        if args.pos_images == 'relation' and m['image'] not in rel_images:
            continue
        for obj in m['objects']:
            for question, chosen, rejected, axis in position_questions(obj):
                pos[m['split']].append(item(tok, image_index(m['image']), question, chosen, rejected, 'position', axis))
    images = torch.stack([x for _, x in sorted(cache.values(), key=lambda v: v[0])])
    pixels = (images.float() / 255.0 - 0.5) / 0.5
    # Every word used must be in the (tiny) vocabulary: count unknown tokens over all questions and answers.
    unk = {}
    for name, d in (('relation', rel), ('position', pos)):
        unk[name] = sum(ids.count(tok.unk) for s in d.values() for it in s
                        for ids in (it['q_ids'], it['chosen_ids'], it['rejected_ids']))
    return tok, pixels, rel, pos, unk


# ----------------------------------------------------------------------------------------------------- train ----

@torch.no_grad()
def evaluate(model, items, pixels, n_image, pad, batch=64):
    """-> {axis: [correct, n]}, {answer picked: count}."""
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


def total(res):
    return res['x'][0] + res['y'][0], res['x'][1] + res['y'][1]


def given_str(given):
    return ', '.join(f'{k!r} {v}' for k, v in sorted(given.items()))


def report(label, where, model, pixels, n_image, tok, rel, pos):
    pres, pgiven = evaluate(model, pos['test'], pixels, n_image, tok.eos)
    rres, rgiven = evaluate(model, rel['test'], pixels, n_image, tok.eos)
    print(f'[{label}] {where}: held-out position {acc_str(*total(pres))} (x {acc_str(*pres["x"])}, '
          f'y {acc_str(*pres["y"])}); held-out relation {acc_str(*total(rres))} (x {acc_str(*rres["x"])}, '
          f'y {acc_str(*rres["y"])}); relation answers {given_str(rgiven)}', file=sys.stderr, flush=True)
    return pres, pgiven, rres, rgiven


def phases(name, rel, pos):
    """[(phase name, items, steps)]"""
    p_steps = math.ceil(len(pos['train']) * args.pos_epochs / args.batch)
    r_steps = math.ceil(len(rel['train']) * args.rel_epochs / args.batch)
    if name == 'relations':
        return [('relation', rel['train'], r_steps)]
    if name == 'curriculum':
        return [('position', pos['train'], p_steps), ('relation', rel['train'], r_steps)]
    return [('mixed', pos['train'] + rel['train'], p_steps + r_steps)]     # the curriculum's total


def run(name, tok, pixels, rel, pos):
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    model = Mllm(SMALL, 'manual', projector_gelu=True)
    n_image = model.vision_tower.num_patches
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    label = name
    if name in ('curriculum', 'mixed'):
        label += f' (pos {args.pos_epochs:g} ep + rel {args.rel_epochs:g} ep)'
    else:
        label += f' ({args.rel_epochs:g} ep)'
    if args.lr != 3e-4:
        label += f' lr {args.lr:g}'
    if args.seed != 0:
        label += f' seed {args.seed}'
    step, t0, window, final_loss = 0, time.time(), [], float('nan')
    stop = False
    for phase, items, n_steps in phases(name, rel, pos):
        print(f'[{label}] phase {phase}: {len(items)} questions, {n_steps} steps '
              f'({n_steps * args.batch / len(items):.3g} epochs)',
              file=sys.stderr, flush=True)
        order, done = [], 0
        while done < n_steps and not stop:
            if not order:
                order = list(range(len(items)))
                rng.shuffle(order)
            chunk = [items[i] for i in order[:args.batch]]
            order = order[args.batch:]
            b = collate([(it['image'], it['q_ids'], it['chosen_ids']) for it in chunk], pixels, n_image, tok.eos)
            lp, m = seq_logps(model, b)
            loss = -(lp * m).sum() / m.sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            done += 1
            window.append(loss.item())
            if step % args.log_every == 0:
                final_loss = sum(window) / len(window)
                print(f'[{label}] step {step} ({phase}) loss {final_loss:.4f} ({time.time() - t0:.0f}s)',
                      file=sys.stderr, flush=True)
                window = []
            if args.eval_every and step % args.eval_every == 0:
                report(label, f'step {step}', model, pixels, n_image, tok, rel, pos)
            if args.max_steps and step >= args.max_steps:
                stop = True
        if window:
            final_loss = sum(window) / len(window)
        report(label, f'end of phase {phase} (step {step}, {time.time() - t0:.0f}s)', model, pixels, n_image, tok,
               rel, pos)
        if stop:
            break
    wall = time.time() - t0
    pres, pgiven = evaluate(model, pos['test'], pixels, n_image, tok.eos)
    rres, rgiven = evaluate(model, rel['test'], pixels, n_image, tok.eos)
    tres, tgiven = evaluate(model, rel['train'][:800], pixels, n_image, tok.eos)
    return (f'| {label} | {step} | {wall:.0f} s | {final_loss:.4f} | {acc_str(*total(pres))} '
            f'(x {acc_str(*pres["x"])}, y {acc_str(*pres["y"])}) | {acc_str(*total(rres))} '
            f'(x {acc_str(*rres["x"])}, y {acc_str(*rres["y"])}) | {acc_str(*total(tres))} | '
            f'{given_str(pgiven)} | {given_str(rgiven)} | {given_str(tgiven)} |')


def main():
    t = time.time()
    tok, pixels, rel, pos, unk = load(args.data)
    for name, d in (('relation', rel), ('position', pos)):
        counts = {}
        for it in d['test']:
            counts[it['chosen']] = counts.get(it['chosen'], 0) + 1
        ex = d['train'][0]
        print(f'{name}: {len(d["train"])} train / {len(d["test"])} test questions, {unk[name]} unknown tokens; '
              f'test answers {counts}; example {ex["question"]!r} -> {ex["q_ids"]} + {ex["chosen_ids"]}',
              file=sys.stderr, flush=True)
    print(f'{pixels.shape[0]} images loaded in {time.time() - t:.0f}s', file=sys.stderr, flush=True)
    if unk['position']:
        sys.exit('error: the position questions use words outside the tokenizer vocabulary')
    print('| run | steps | wall | final train loss | held-out position | held-out relation | train relation '
          '(first 800) | position answers picked (held-out) | relation answers picked (held-out) | '
          'relation answers picked (train 800) |')
    print('|---|---|---|---|---|---|---|---|---|---|')
    for name in args.run or ['relations', 'curriculum', 'mixed']:
        print(run(name, tok, pixels, rel, pos), flush=True)


if __name__ == '__main__':
    main()
