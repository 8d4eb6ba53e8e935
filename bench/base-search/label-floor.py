#!/usr/bin/env python3
"""What a `labels` stage's loss means: the BCE per label that an encoder reaches if it knows nothing (the class
priors), only the colours an image shows, only its shapes, or both sets but not which colour goes with which shape.
A stage whose loss stops at the colour-only floor has learned colours and no shapes (issue 15's finding).
Usage: python3 bench/base-search/label-floor.py WORLD_FOLDER   (a Shapes world: its metadata.jsonl)"""
import json, math, sys
from collections import defaultdict

CLASSES = 36  # colour-shape classes: 6 colours × 6 shapes


def bce(p):
    return 0.0 if p <= 0 or p >= 1 else -(p * math.log(p) + (1 - p) * math.log(1 - p))


def floor(rows, known, candidates):
    """Every label an encoder with `known` knowledge cannot rule out gets the rate at which such labels are true."""
    groups = defaultdict(lambda: [0, 0])
    for objects in rows:
        present = {o['classId'] for o in objects}
        group = groups[known(objects)]
        group[0] += len(present)
        group[1] += candidates(objects)
    return sum(c * bce(t / c) for t, c in groups.values() if c) / (len(rows) * CLASSES)


rows = [json.loads(line)['objects'] for line in open(f'{sys.argv[1]}/metadata.jsonl') if line.strip()]
colours = lambda objects: len({o['color'] for o in objects})
shapes = lambda objects: len({o['shape'] for o in objects})
print(f"{len(rows)} images, {sum(len({o['classId'] for o in r}) for r in rows) / len(rows):.2f} classes each")
print(f"knows nothing (priors):          {floor(rows, lambda o: len(o), lambda o: CLASSES):.4f}")
print(f"knows the colours only:          {floor(rows, lambda o: (colours(o), len(o)), lambda o: colours(o) * 6):.4f}")
print(f"knows the shapes only:           {floor(rows, lambda o: (shapes(o), len(o)), lambda o: shapes(o) * 6):.4f}")
print(f"knows both sets, not the pairs:  {floor(rows, lambda o: (colours(o), shapes(o), len(o)), lambda o: colours(o) * shapes(o)):.4f}")
