"""Shared by the twin scripts (relations_twin.py, curriculum_twin.py): the `small` preset's config, a dependency-free
PNG decoder, the Shapes tokenizer, and batching / log-prob / accuracy helpers. Import it after peer_torch.import_torch
has set the thread count (it imports torch at module level, as twin_model.py does)."""
import json
import math
import struct
import zlib

import torch
import torch.nn.functional as F


SMALL = {
    'vision': dict(family='siglip', image_size=32, patch_size=4, hidden=64, intermediate=128, layers=3, heads=4,
                   act='gelu_pytorch_tanh', eps=1e-6),
    'lm': dict(vocab=128, hidden=64, intermediate=176, layers=2, heads=4, kv_heads=2, eps=1e-6, rope_theta=10000.0),
}


def read_png(path):
    """8-bit PNG (grey, RGB, palette, grey+alpha, RGBA; not interlaced) -> bytes of H*W*3 RGB, H, W."""
    with open(path, 'rb') as f:
        data = f.read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', path
    pos, idat, palette = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            assert depth == 8 and interlace == 0, (path, depth, interlace)
        elif kind == b'PLTE':
            palette = body
        elif kind == b'IDAT':
            idat.append(body)
        elif kind == b'IEND':
            break
    raw = zlib.decompress(b''.join(idat))
    bpp = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    stride = w * bpp
    out, prev, i = bytearray(), bytearray(stride), 0
    for _ in range(h):
        ft = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if ft == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif ft == 2:
            for x in range(stride):
                line[x] = (line[x] + prev[x]) & 255
        elif ft == 3:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((a + prev[x]) >> 1)) & 255
        elif ft == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if (pa <= pb and pa <= pc) else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        else:
            assert ft == 0, (path, ft)
        out += line
        prev = line
    if ctype == 2:
        rgb = bytes(out)
    elif ctype == 6:
        rgb = bytes(b for j in range(0, len(out), 4) for b in out[j:j + 3])
    elif ctype == 0:
        rgb = bytes(b for v in out for b in (v, v, v))
    elif ctype == 4:
        rgb = bytes(b for j in range(0, len(out), 2) for b in (out[j],) * 3)
    else:
        rgb = bytes(b for v in out for b in palette[3 * v:3 * v + 3])
    return rgb, h, w


class Tokenizer:
    """The Shapes WordLevel tokenizer: Lowercase, WhitespaceSplit, Punctuation(Isolated), vocab lookup."""

    def __init__(self, path):
        t = json.load(open(path))
        self.vocab = dict(t['model']['vocab'])
        for a in t.get('added_tokens', []):
            self.vocab[a['content']] = a['id']
        self.unk = self.vocab.get(t['model'].get('unk_token') or '<unk>', 2)
        self.eos = self.vocab['<|endoftext|>']

    def encode(self, text):
        ids = []
        for word in text.lower().split():
            piece = ''
            for ch in word:
                if not ch.isalnum() and ch != '_':   # punctuation: isolated
                    if piece:
                        ids.append(self.vocab.get(piece, self.unk))
                        piece = ''
                    ids.append(self.vocab.get(ch, self.unk))
                else:
                    piece += ch
            if piece:
                ids.append(self.vocab.get(piece, self.unk))
        return ids


def text_of(messages):
    return ' '.join(c['text'] for m in messages for c in m['content'] if c['type'] == 'text')


def collate(rows, pixels, n_image, pad):
    """rows: (image index, prompt ids, answer ids) -> batch dict with labels/label_mask over [image, text]."""
    t = max(len(p) + len(a) for _, p, a in rows)
    text = torch.full((len(rows), t), pad, dtype=torch.long)
    attention = torch.zeros(len(rows), n_image + t)
    labels = torch.zeros(len(rows), n_image + t, dtype=torch.long)
    label_mask = torch.zeros(len(rows), n_image + t)
    for r, (_, prompt, answer) in enumerate(rows):
        seq = prompt + answer
        text[r, :len(seq)] = torch.tensor(seq)
        attention[r, :n_image + len(seq)] = 1
        labels[r, n_image:n_image + len(seq)] = torch.tensor(seq)
        label_mask[r, n_image + len(prompt):n_image + len(seq)] = 1
    return dict(pixels=pixels[torch.tensor([i for i, _, _ in rows])], text_ids=text, attention_mask=attention,
                labels=labels[:, 1:], label_mask=label_mask[:, 1:])


def seq_logps(model, b):
    logits = model(b['pixels'], b['text_ids'], None, b['attention_mask'])[:, :-1]
    r, t, v = logits.shape
    lp = -F.cross_entropy(logits.reshape(r * t, v), b['labels'].reshape(r * t), reduction='none').view(r, t)
    return lp, b['label_mask']


def acc_str(k, n):
    if n == 0:
        return 'n/a'
    a = k / n
    return f'{a:.3f} ± {math.sqrt(a * (1 - a) / n):.3f}'
