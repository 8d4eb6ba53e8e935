// report.html's class maps draw each class in the colour the window's segmentation viewer draws it (classPalette of
// the class names: a "yellow ring" yellow, background black), ids without a name grey in both.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { classMapPng } from '../../../../src-main/engine/study/images';
import { overlayPixels } from '../../../../src-renderer/src/components/compare/seg-pixels';
import { classPalette } from '../../../../src-shared/domain/class-colours';

describe('class maps of the HTML report', () => {
  it('use the window viewer\'s class colours, pixel for pixel', async () => {
    const names = ['background', 'yellow ring', 'red square', 'yellow circle', 'cat'];
    // A square map (the report's are square) whose every row holds each id once.
    const row = [0, 1, 2, 3, 4, 255];
    const ids = Uint8Array.from(Array.from({ length: 6 }, () => row).flat());
    const png = await classMapPng({ width: 6, height: 6, data: ids }, classPalette(names), 6);
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const report = Array.from({ length: 6 }, (_, i) => Array.from(data.subarray(i * 3, i * 3 + 3)));

    // The viewer at full opacity, its classes coloured as SegmentationViewer colours them.
    const palette = classPalette(names);
    const classes = names.map((name, id) => ({ id, name, rgb: palette[id]! }));
    const window = overlayPixels(ids, null, { classes, hidden: new Set(), opacity: 1 });
    const drawn = Array.from({ length: 6 }, (_, i) => Array.from(window.subarray(i * 4, i * 4 + 3)));

    expect(report).toEqual(drawn);
    expect(report.slice(0, 4)).toEqual([[0, 0, 0], [245, 225, 30].map((c) => Math.round(c * 0.55)), [215, 30, 40], [245, 225, 30].map((c) => Math.round(c + (255 - c) * 0.45))]);
    expect(report[5]).toEqual([128, 128, 128]);
  });
});
