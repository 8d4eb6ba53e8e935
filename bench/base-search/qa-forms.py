#!/usr/bin/env python3
"""Issue 15: a base MLLM's QA broken down by how the question names its object, from `pivot eval qa --json`.

A colour or shape question names its object by shape/colour alone when it is the only one ("the circle"), else by
position ("the leftmost circle", "the upper red object") or size ("the larger circle"); a relation question asks
along x (left/right) or y (above/below); a count question counts a colour or a shape. Forms that need position
falling to the chance of their kind, while the unique ones do not, is what tells a base that cannot place objects.
Usage: python3 bench/base-search/qa-forms.py QA.json...
"""
import json
import math
import re
import sys

POSITION = re.compile(r'\b(left|right|leftmost|rightmost|upper|lower|topmost|bottommost)\b')
SIZE = re.compile(r'\b(larger|smaller|largest|smallest)\b')


def form(sample):
    q, asked = sample['question'], sample['asked']
    if asked == 'relation':
        return 'relation x (left/right)' if 'to the left of' in q else 'relation y (above/below)'
    if asked == 'count':
        return 'count by colour' if ' objects are there' in q else 'count by shape'
    named = 'by position' if POSITION.search(q) else 'by size' if SIZE.search(q) else 'unique'
    return f'{asked} {named}'


for path in sys.argv[1:]:
    samples = json.load(open(path))['samples']
    groups = {}
    for s in samples:
        groups.setdefault(form(s), []).append(s)
    print(f'{path}: {len(samples)} questions\n')
    print('| question form | n | accuracy | chance |\n|---|---:|---:|---:|')
    for name in sorted(groups):
        group = groups[name]
        acc = sum(s['correct'] for s in group) / len(group)
        se = math.sqrt(acc * (1 - acc) / len(group))
        chance = sum(1 / s['candidates'] for s in group) / len(group)
        print(f'| {name} | {len(group)} | {acc:.3f} ± {se:.3f} | {chance:.3f} |')
    print()
