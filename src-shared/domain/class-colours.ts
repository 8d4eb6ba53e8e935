// Display colours of segmentation classes that agree with their names: a class whose name holds a colour word
// ("yellow ring") is drawn in that colour, shaded darker to lighter when several share it; "background" is black; a
// class with no colour word gets a hue of its own, spread around the circle. Shared by the study's examples index,
// report.html's class maps and the window's viewers (which recolour reports written before, whose palette ignored the
// names).

export type Rgb = [number, number, number];

/** The colour of a class id the names do not cover (the ignored 255 among them). */
export const UNKNOWN_CLASS_RGB: Rgb = [128, 128, 128];

/** The colour words understood, with the colour drawn for each (the Shapes world's six are its own object colours). */
const COLOUR_WORDS: Readonly<Record<string, Rgb>> = {
  red: [215, 30, 40],
  green: [35, 175, 60],
  blue: [40, 80, 235],
  yellow: [245, 225, 30],
  purple: [150, 50, 205],
  orange: [255, 140, 0],
  pink: [240, 110, 170],
  brown: [140, 85, 40],
  cyan: [0, 190, 210],
  magenta: [215, 0, 175],
  violet: [140, 80, 220],
  teal: [0, 140, 140],
  black: [25, 25, 25],
  white: [235, 235, 235],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
};

/** The colour word a class name holds, if any (the first, as in "red circle" or "car_blue"). */
export function colourWordOf(name: string): string | null {
  for (const word of name.toLowerCase().split(/[^a-z]+/)) if (word in COLOUR_WORDS) return word;
  return null;
}

/** `base` darkened (t < 0) or lightened (t > 0) by the fraction |t|. */
function shade(base: Rgb, t: number): Rgb {
  return base.map((c) => Math.round(t < 0 ? c * (1 + t) : c + (255 - c) * t)) as Rgb;
}

/** A saturated colour of hue `h` degrees (HSL with s = 0.75, l = 0.5). */
function hue(h: number): Rgb {
  const c = 0.75;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = 0.5 - c / 2;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** One colour per class name, in the order given. */
export function classPalette(names: readonly string[]): Rgb[] {
  const words = names.map(colourWordOf);
  const sharing = new Map<string, number>();
  for (const w of words) if (w) sharing.set(w, (sharing.get(w) ?? 0) + 1);
  const seen = new Map<string, number>();
  let unnamed = 0;
  return names.map((name, i) => {
    const word = words[i];
    if (word) {
      const j = seen.get(word) ?? 0;
      seen.set(word, j + 1);
      const n = sharing.get(word)!;
      // Shades from darker to lighter across the classes of one colour, so they stay apart.
      return shade(COLOUR_WORDS[word]!, n === 1 ? 0 : -0.45 + (0.9 * j) / (n - 1));
    }
    if (name.trim().toLowerCase() === 'background') return [0, 0, 0];
    // The golden angle keeps consecutive fallback hues far apart.
    return hue((unnamed++ * 137.508 + 15) % 360);
  });
}
