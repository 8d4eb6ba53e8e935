// Class colours agree with class names (issue 12: a "yellow ring" was drawn dark blue): a colour word in the name
// gives the colour, several classes of one colour get distinct shades, and names without one get distinct hues.
import { describe, expect, it } from 'vitest';
import { classPalette, colourWordOf } from '../../src-shared/domain/class-colours';
import { shapeClasses } from '../../src-main/engine/data/shapes/vocab';

/** The hue of an RGB colour in degrees (0 red, 60 yellow, 120 green, 240 blue). */
function hueOf([r, g, b]: number[]): number {
  const max = Math.max(r!, g!, b!);
  const min = Math.min(r!, g!, b!);
  if (max === min) return 0;
  const d = max - min;
  const h = max === r ? ((g! - b!) / d) % 6 : max === g ? (b! - r!) / d + 2 : (r! - g!) / d + 4;
  return (h * 60 + 360) % 360;
}

describe('classPalette', () => {
  it('draws a yellow ring yellow and a blue square blue', () => {
    const [ring, square, ignored] = classPalette(['yellow ring', 'blue square', 'Car_RED']);
    expect(hueOf(ring!)).toBeGreaterThan(45);
    expect(hueOf(ring!)).toBeLessThan(65);
    expect(hueOf(square!)).toBeGreaterThan(215);
    expect(hueOf(square!)).toBeLessThan(245);
    expect(ignored).toEqual([215, 30, 40]);
    expect(colourWordOf('Car_RED')).toBe('red');
    expect(colourWordOf('ring')).toBeNull();
  });

  it("gives the Shapes world's classes exactly their own display colours (classes.json)", () => {
    const classes = shapeClasses();
    expect(classPalette(classes.map((c) => c.name))).toEqual(classes.map((c) => c.rgb));
  });

  it('gives classes without a colour word distinct colours, and background black', () => {
    const palette = classPalette(['background', 'person', 'car', 'tree', 'sky', 'road']);
    expect(palette[0]).toEqual([0, 0, 0]);
    const keys = new Set(palette.map((c) => c.join(',')));
    expect(keys.size).toBe(6);
    const hues = palette.slice(1).map(hueOf).sort((a, b) => a - b);
    for (let i = 1; i < hues.length; i++) expect(hues[i]! - hues[i - 1]!).toBeGreaterThan(20);
  });
});
