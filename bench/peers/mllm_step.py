#!/usr/bin/env python3
"""A plain-PyTorch peer of `pivot bench`: one MLLM training step (forward, loss, backward, clipping, AdamW).

The model is a twin of the engine's MLLM presets (src-main/engine/models/mllm/presets.ts, build.ts, model.ts) and
of the `base` benchmark shape (src-main/engine/bench/parameter-count.ts): vision tower -> features of hidden state
-2 (the penultimate block's output, CLS dropped for CLIP, no final norm) -> projector Linear-GELU(exact)-Linear ->
Qwen2 LM (RMSNorm, RoPE, grouped-query attention with q/k/v biases, SwiGLU, tied lm_head) over
[image tokens, text tokens]. All weights float32, normal(0, 0.02) / zeros / ones as the engine initialises them.

  python3 bench/peers/mllm_step.py --config tiny --objective sft --batch 8 --steps 5 --threads 1 --json

See bench/peers/README.md for what is and is not the same as the engine's step.
"""
import argparse
import json
import math
import os
import re
import statistics
import sys
import time

from peer_torch import import_torch

# Parameter counts our engine reports for the same sizes (createPresetMllm's variables summed for the presets,
# `base` included: the engine's base preset is a SigLIP-style tower of ViT-B/16's sizes, without CLIP's class token
# and pre-norm, so 3 × 768 fewer than the CLIP-shaped baseParameters() of src-main/engine/bench/parameter-count.ts). `trainable` is what the engine trains: the encoder's blocks after the feature layer and
# its post_layernorm get no gradient (Mllm.namedVariables leaves them out), here they are simply never reached.
#   toy:  223,168 parameters     (trainable 189,568)
#   tiny: 5,869,504 parameters   (trainable 5,424,256)
#   base: 581,322,624 parameters (trainable 574,233,216)
ENGINE_PARAMETERS = {
    'toy': {'total': 223_168, 'trainable': 189_568},
    'tiny': {'total': 5_869_504, 'trainable': 5_424_256},
    'base': {'total': 581_322_624, 'trainable': 574_233_216},
}

# Sizes. toy / tiny: MLLM_PRESETS (SigLIP-style tower without head, gelu_pytorch_tanh, LayerNorm eps 1e-6; Qwen2
# defaults rms_norm_eps 1e-6, rope_theta 10000). base: MLLM_PRESETS.base = a SigLIP-style tower of ViT-B/16's sizes
# at 224 px (12 heads, as the toy presets: gelu_pytorch_tanh, eps 1e-6) + Qwen2.5-0.5B (14 heads, 2 KV heads,
# rope_theta 1e6, rms_norm_eps 1e-6, tied embeddings). The CLIP-shaped tower is kept as family='clip' for reference.
CONFIGS = {
    'toy': {
        'vision': dict(family='siglip', image_size=32, patch_size=8, hidden=64, intermediate=128, layers=3, heads=4,
                       act='gelu_pytorch_tanh', eps=1e-6),
        'lm': dict(vocab=128, hidden=64, intermediate=176, layers=2, heads=4, kv_heads=2, eps=1e-6, rope_theta=10000.0),
    },
    'tiny': {
        'vision': dict(family='siglip', image_size=64, patch_size=8, hidden=192, intermediate=768, layers=6, heads=3,
                       act='gelu_pytorch_tanh', eps=1e-6),
        'lm': dict(vocab=512, hidden=256, intermediate=688, layers=4, heads=4, kv_heads=2, eps=1e-6, rope_theta=10000.0),
    },
    'base': {
        'vision': dict(family='siglip', image_size=224, patch_size=16, hidden=768, intermediate=3072, layers=12, heads=12,
                       act='gelu_pytorch_tanh', eps=1e-6),
        'lm': dict(vocab=151936, hidden=896, intermediate=4864, layers=24, heads=14, kv_heads=2, eps=1e-6,
                   rope_theta=1000000.0),
    },
}
IMAGE_TOKEN_ID = 1      # the Shapes tokenizer's <image> id; only the labels read it (image positions are masked)
PAD_TOKEN_ID = 0
LR, BETAS, ADAM_EPS, WEIGHT_DECAY, CLIP_NORM, DPO_BETA = 1e-4, (0.9, 0.999), 1e-8, 0.0, 1.0, 0.1
# The bench's Shapes world (40 images, seed 1) tokenises to 9-22 text tokens per sequence, ~4 of them answer
# tokens (with the end token); its batches pad to 14 or 22. We use rows of 9..T text tokens, one row of each
# batch at T, so every batch pads to T.
MIN_TEXT_TOKENS, MIN_ANSWER, MAX_ANSWER = 9, 2, 6


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', choices=sorted(CONFIGS), default='tiny')
    p.add_argument('--objective', choices=['sft', 'dpo'], default='sft')
    p.add_argument('--batch', type=int, default=None, help='examples (SFT) or pairs (DPO) per step; default 16 for toy, else 8')
    p.add_argument('--steps', type=int, default=5, help='steps measured, after one warm-up step that is left out')
    p.add_argument('--threads', type=int, default=1, help='CPU threads (torch, OpenMP and OpenBLAS); compare at equal threads')
    p.add_argument('--device', choices=['cpu', 'cuda'], default='cpu')
    p.add_argument('--tf32', action='store_true', help='CUDA: allow TF32 matmuls (off by default, as in PyTorch)')
    p.add_argument('--attention', choices=['manual', 'sdpa'], default='manual',
                   help="manual: softmax(q k^T * scale + mask) v as the engine computes it; sdpa: "
                        "F.scaled_dot_product_attention (PyTorch >= 2.0), what transformers uses by default")
    p.add_argument('--text-tokens', type=int, default=22, help='text tokens of the longest row (default 22)')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--json', action='store_true', help='print one JSON line')
    args = p.parse_args(argv)
    if args.batch is None:
        args.batch = 16 if args.config == 'toy' else 8
    for name in ('batch', 'steps', 'threads'):
        if getattr(args, name) < 1:
            p.error(f'--{name} must be a positive integer')
    if args.text_tokens < MAX_ANSWER + 1:
        p.error(f'--text-tokens must be at least {MAX_ANSWER + 1}')
    return args


args = parse_args(sys.argv[1:])
torch = import_torch(args.threads)
import torch.nn.functional as F  # noqa: E402
from twin_model import Mllm  # noqa: E402


# ------------------------------------------------------------------------------------------------ data, loss ----

def make_batch(cfg, objective, batch, text_tokens, generator, device):
    """Random pixels and token rows as collate() + spliceLayout() lay them out: the image at position 0, text
    right-padded to the batch's longest row (9..text_tokens tokens, one row at the maximum), answer tokens last."""
    v, vocab = cfg['vision'], cfg['lm']['vocab']
    n = (v['image_size'] // v['patch_size']) ** 2
    pixels = torch.randn(batch, 3, v['image_size'], v['image_size'], generator=generator)
    pairs = []  # (prompt ids, answer ids per sequence)
    for i in range(batch):
        answers = [torch.randint(MIN_ANSWER, MAX_ANSWER + 1, (1,), generator=generator).item()
                   for _ in range(2 if objective == 'dpo' else 1)]
        room = text_tokens - max(answers)
        prompt = room if i == 0 else torch.randint(min(MIN_TEXT_TOKENS, room), room + 1, (1,), generator=generator).item()
        pairs.append((torch.randint(2, vocab, (prompt,), generator=generator),
                      [torch.randint(2, vocab, (a,), generator=generator) for a in answers]))
    rows = [(prompt, answer[s]) for s in range(len(pairs[0][1])) for prompt, answer in pairs]
    text_ids = torch.full((len(rows), text_tokens), PAD_TOKEN_ID, dtype=torch.long)
    attention = torch.zeros(len(rows), n + text_tokens)
    answer_mask = torch.zeros(len(rows), n + text_tokens)
    for r, (prompt, answer) in enumerate(rows):
        seq = torch.cat([prompt, answer])
        text_ids[r, :len(seq)] = seq
        attention[r, :n + len(seq)] = 1
        answer_mask[r, n + len(prompt):n + len(seq)] = 1
    input_ids = torch.cat([torch.full((len(rows), n), IMAGE_TOKEN_ID, dtype=torch.long), text_ids], dim=1)
    image_index = torch.arange(len(rows)) % batch if objective == 'dpo' else None
    out = dict(pixels=pixels, text_ids=text_ids, image_index=image_index, attention_mask=attention,
               labels=input_ids[:, 1:].contiguous(), label_mask=answer_mask[:, 1:].contiguous())
    return {k: (t.to(device) if t is not None else None) for k, t in out.items()}


def token_logps(model, b):
    """log p(label) of every shifted position [R, L-1] (logits over every position, the last one dropped)."""
    logits = model(b['pixels'], b['text_ids'], b['image_index'], b['attention_mask'])[:, :-1]
    r, t, vocab = logits.shape
    return -F.cross_entropy(logits.reshape(r * t, vocab), b['labels'].reshape(r * t), reduction='none').view(r, t)


def sft_loss(model, b):
    mask = b['label_mask']
    return -(token_logps(model, b) * mask).sum() / mask.sum().clamp(min=1)


def sequence_logps(model, b):
    return (token_logps(model, b) * b['label_mask']).sum(-1)


def dpo_loss(model, b):
    """TRL's sigmoid loss: -log sigmoid(beta ((pi_c - ref_c) - (pi_r - ref_r))), mean over pairs."""
    pc, pr = sequence_logps(model, b).chunk(2)
    rc, rr = b['ref_logps'].chunk(2)
    return -F.logsigmoid(DPO_BETA * ((pc - rc) - (pr - rr))).mean()


# ------------------------------------------------------------------------------------------------------ bench ----

def blas_report(device):
    """(name, warning or None, 512^3 matmul GFLOP/s on the CPU)."""
    config = torch.__config__.show()
    m = re.search(r'BLAS_INFO=(\w+)', config)
    info = m.group(1) if m else 'unknown'
    mapped = set()
    try:
        with open('/proc/self/maps') as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ''
                if re.search(r'blas|mkl|blis|atlas', os.path.basename(path), re.I):
                    mapped.add(path)
    except OSError:
        pass
    # Debian's torch says BLAS_INFO=generic and calls whatever libblas.so.3 resolves to (update-alternatives):
    # judge by that path (libopenblas may be mapped for LAPACK while libblas.so.3 is the reference one).
    libblas = sorted(p for p in mapped if os.path.basename(p).startswith('libblas.so'))
    kinds = (('openblas', 'OpenBLAS'), ('mkl', 'MKL'), ('blis', 'BLIS'), ('atlas', 'ATLAS'))
    if info.lower() in ('mkl', 'open', 'openblas', 'accelerate', 'blis', 'flexi'):
        name = {'open': 'OpenBLAS', 'openblas': 'OpenBLAS', 'mkl': 'MKL'}.get(info.lower(), info)
    elif libblas:
        kind = next((label for key, label in kinds if any(key in p.lower() for p in libblas)), 'reference BLAS (netlib)')
        name = f'{kind} ({libblas[0]})'
    elif mapped:
        kind = next((label for key, label in kinds if any(key in p.lower() for p in mapped)), 'unknown BLAS')
        name = f'{kind} (' + ', '.join(sorted(mapped)) + ')'
    else:
        name = f'BLAS_INFO={info}, no BLAS library mapped'
    a, bm = torch.randn(512, 512), torch.randn(512, 512)
    torch.mm(a, bm)
    best = float('inf')
    for _ in range(5):
        t0 = time.perf_counter()
        torch.mm(a, bm)
        best = min(best, time.perf_counter() - t0)
    gflops = 2 * 512 ** 3 / best / 1e9
    warning = None
    if not (name.startswith('OpenBLAS') or name.startswith('MKL')) or gflops < 20:
        warning = (f'PyTorch does not seem to use an optimised BLAS ({name}; a 512^3 matmul runs at {gflops:.1f} GFLOP/s '
                   f'on {args.threads} thread(s)): CPU step times will be ~10x too slow. Install OpenBLAS: '
                   'apt-get install libopenblas0-pthread')
        if device == 'cuda':
            warning += ' (this only matters for the CPU; the CUDA step uses cuBLAS)'
    return name, warning, gflops


def main():
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if args.device == 'cuda':
        if not torch.cuda.is_available():
            sys.exit('error: --device cuda but torch.cuda.is_available() is False')
        # Matmuls: TF32 only with --tf32 (PyTorch's default is off). cuDNN (the patch conv) defaults to TF32 on:
        # set it the same way, so that without --tf32 the whole step is plain FP32.
        if hasattr(torch, 'set_float32_matmul_precision'):
            torch.set_float32_matmul_precision('high' if args.tf32 else 'highest')
        else:
            torch.backends.cuda.matmul.allow_tf32 = args.tf32
        torch.backends.cudnn.allow_tf32 = args.tf32
    if args.attention == 'sdpa' and not hasattr(F, 'scaled_dot_product_attention'):
        sys.exit(f'error: --attention sdpa needs PyTorch >= 2.0 (this is {torch.__version__})')
    blas, blas_warning, gflops = blas_report(args.device)
    if blas_warning:
        print('warning: ' + blas_warning, file=sys.stderr)

    cfg = CONFIGS[args.config]
    torch.manual_seed(args.seed)
    model = Mllm(cfg, args.attention)
    total = sum(p.numel() for p in model.parameters())
    expected = ENGINE_PARAMETERS[args.config]
    if not args.json:
        print(f'{args.config}: {total:,} parameters (engine: {expected["total"]:,})')
    assert total == expected['total'], f'{args.config}: {total:,} parameters, but the engine has {expected["total"]:,}'
    model.to(device)
    # All parameters are given to AdamW; those no gradient reaches (the encoder's last block and post_layernorm)
    # keep grad None, and AdamW and clip_grad_norm_ skip them, as the engine leaves them out.
    params = list(model.parameters())
    optimizer = torch.optim.AdamW(params, lr=LR, betas=BETAS, eps=ADAM_EPS, weight_decay=WEIGHT_DECAY)

    generator = torch.Generator().manual_seed(args.seed + 1)
    image_tokens = (cfg['vision']['image_size'] // cfg['vision']['patch_size']) ** 2
    batches = [make_batch(cfg, args.objective, args.batch, args.text_tokens, generator, device) for _ in range(args.steps + 1)]
    if args.objective == 'dpo':
        # The reference log-probs, once, before the first update (the policy is still the reference), as the engine.
        with torch.no_grad():
            for b in batches:
                b['ref_logps'] = sequence_logps(model, b)

    def sync():
        if args.device == 'cuda':
            torch.cuda.synchronize()

    if args.device == 'cuda':
        sync()
        torch.cuda.reset_peak_memory_stats()
    loss_fn = dpo_loss if args.objective == 'dpo' else sft_loss
    step_ms, losses, trainable = [], [], None
    for b in batches:
        sync()
        t0 = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model, b)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_([p for p in params if p.grad is not None], CLIP_NORM)
        optimizer.step()
        loss_value, norm_value = float(loss), float(norm)  # the engine reads both every step (a sync)
        sync()
        step_ms.append((time.perf_counter() - t0) * 1000)
        losses.append(loss_value)
        if not math.isfinite(loss_value) or not math.isfinite(norm_value):
            sys.exit(f'error: non-finite loss {loss_value} or gradient norm {norm_value}')
        if trainable is None:
            trainable = sum(p.numel() for p in params if p.grad is not None)
    assert trainable == expected['trainable'], \
        f'{args.config}: {trainable:,} parameters got gradients, but the engine trains {expected["trainable"]:,}'

    measured = step_ms[1:]
    median = statistics.median(measured)
    if args.device == 'cuda':
        peak, peak_kind = torch.cuda.max_memory_allocated(), 'cuda_max_memory_allocated'
    else:
        import resource
        peak, peak_kind = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, 'max_rss'
    result = {
        'peer': 'pytorch',
        'config': args.config,
        'objective': args.objective,
        'device': args.device,
        'device_name': torch.cuda.get_device_name() if args.device == 'cuda' else None,
        'batch': args.batch,
        'rows_per_forward': args.batch * (2 if args.objective == 'dpo' else 1),
        'image_tokens': image_tokens,
        'text_tokens': args.text_tokens,
        'sequence_length': image_tokens + args.text_tokens,
        'steps': args.steps,
        'median_step_ms': round(median, 2),
        'step_ms': [round(x, 2) for x in measured],
        'first_step_ms': round(step_ms[0], 2),
        'samples_per_s': round(args.batch / (median / 1000), 3),
        'peak_memory_bytes': peak,
        'peak_memory_kind': peak_kind,
        'parameters': total,
        'parameters_trainable': trainable,
        'engine_parameters': expected['total'],
        'loss_first': losses[0],
        'loss_last': losses[-1],
        'threads': args.threads,
        'tf32': args.tf32 if args.device == 'cuda' else None,
        'attention': args.attention,
        'torch': torch.__version__,
        'cuda': torch.version.cuda if args.device == 'cuda' else None,
        'blas': blas,
        'cpu_matmul_512_gflops': round(gflops, 1),
        'blas_warning': blas_warning,
    }
    if args.json:
        print(json.dumps(result))
    else:
        unit = 'pairs' if args.objective == 'dpo' else 'examples'
        print(f'{args.config} {args.objective} on {args.device} (torch {torch.__version__}, {blas}, {args.threads} thread(s)), '
              f'batch {args.batch} {unit}, {image_tokens} image + {args.text_tokens} text tokens: '
              f'{median:.0f} ms/step (median of {len(measured)}; first {step_ms[0]:.0f} ms), '
              f'{result["samples_per_s"]:.3g} samples/s, peak {peak_kind} {peak / 2 ** 20:.0f} MiB; '
              f'loss {losses[0]:.4f} -> {losses[-1]:.4f}')


if __name__ == '__main__':
    main()
