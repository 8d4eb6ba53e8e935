// The Shapes world's vocabulary: shapes, colours and the 37 segmentation classes built from them.
// A ring, not a star (stars blur below ~10 px); saturated colours, far from the muted backgrounds.

export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'ring', 'cross'] as const;
export type Shape = (typeof SHAPES)[number];

export const COLORS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'] as const;
export type Color = (typeof COLORS)[number];

export type Rgb = [number, number, number];

export const COLOR_RGB: Readonly<Record<Color, Readonly<Rgb>>> = {
  red: [215, 30, 40],
  green: [35, 175, 60],
  blue: [40, 80, 235],
  yellow: [245, 225, 30],
  purple: [150, 50, 205],
  orange: [255, 140, 0],
};

export const SHAPE_PLURAL: Readonly<Record<Shape, string>> = {
  circle: 'circles',
  square: 'squares',
  triangle: 'triangles',
  diamond: 'diamonds',
  ring: 'rings',
  cross: 'crosses',
};

export const BACKGROUND_CLASS = 0;
/** Background plus one class per (shape, colour). */
export const NUM_CLASSES = 1 + SHAPES.length * COLORS.length;

export function classIdOf(shape: Shape, color: Color): number {
  return 1 + SHAPES.indexOf(shape) * COLORS.length + COLORS.indexOf(color);
}

export function className(shape: Shape, color: Color): string {
  return `${color} ${shape}`;
}

export interface ShapeClass {
  id: number;
  name: string;
  shape: Shape | null;
  color: Color | null;
  /** Display colour for mask overlays: the object colour, shaded per shape so classes differ. */
  rgb: Rgb;
}

export function shapeClasses(): ShapeClass[] {
  const out: ShapeClass[] = [{ id: 0, name: 'background', shape: null, color: null, rgb: [0, 0, 0] }];
  SHAPES.forEach((shape, si) => {
    // Spread shades from darker to lighter across the six shapes of one colour.
    const t = -0.45 + (0.9 * si) / (SHAPES.length - 1);
    for (const color of COLORS) {
      const base = COLOR_RGB[color];
      const rgb = base.map((c) => Math.round(t < 0 ? c * (1 + t) : c + (255 - c) * t)) as Rgb;
      out.push({ id: classIdOf(shape, color), name: className(shape, color), shape, color, rgb });
    }
  });
  return out;
}

export function isShape(s: string): s is Shape {
  return (SHAPES as readonly string[]).includes(s);
}

export function isColor(s: string): s is Color {
  return (COLORS as readonly string[]).includes(s);
}
