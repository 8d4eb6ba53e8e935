#!/usr/bin/env python3
"""Issue 15: a Shapes world whose preference pairs are its relation questions only, to train an instruct stage on
relations alone (`data: { folder: OUT }` in a recipe). With --canonical, only the questions that name the object of
the earlier colour (in the world's colour order) first, so the answer no longer flips with the naming order. With
--with-positions, the world's one-object position questions too (difficulty positionQuestions), as the PyTorch twin's
"mixed" run (bench/peers/curriculum_twin.py).
The images, masks and instances are linked, not copied.
Usage: python3 bench/base-search/relation-only.py WORLD OUT [--canonical] [--with-positions]
"""
import json
import os
import re
import shutil
import sys

COLORS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange']  # src-main/engine/data/shapes/vocab.ts
QUESTION = re.compile(r'Is the (\w+) \w+ (?:to the left of or to the right of|above or below) the (\w+) \w+\?')

world, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
canonical = '--canonical' in sys.argv[3:]
with_positions = '--with-positions' in sys.argv[3:]
os.makedirs(out)
for name in os.listdir(world):
    source = os.path.join(world, name)
    if os.path.isdir(source):
        os.symlink(source, os.path.join(out, name))
    elif name != 'pairs.jsonl':
        shutil.copy(source, out)
kept = total = positions = 0
with open(os.path.join(world, 'pairs.jsonl')) as pairs, open(os.path.join(out, 'pairs.jsonl'), 'w') as written:
    for line in pairs:
        pair = json.loads(line)
        if with_positions and pair['kind'] == 'position':
            written.write(line)
            positions += 1
            continue
        if pair['kind'] != 'relation':
            continue
        total += 1
        question = next(c['text'] for c in pair['prompt'][0]['content'] if c['type'] == 'text')
        first, second = QUESTION.match(question).groups()
        if canonical and COLORS.index(first) > COLORS.index(second):
            continue
        written.write(line)
        kept += 1
print(f'{out}: {kept} of {total} relation pairs' + (f', {positions} position pairs' if with_positions else ''))
