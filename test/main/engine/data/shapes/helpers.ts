// Shared helpers for the Shapes world tests: temp folders, PNG decoding, JSONL reading.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

export async function tempDir(tag: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `pivot-shapes-${tag}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Decoded pixels; grey PNGs come back with one channel. */
export async function decodePng(path: string, channels: 1 | 3): Promise<{ data: Uint8Array; width: number; height: number }> {
  const img = channels === 1 ? sharp(path).extractChannel(0) : sharp(path).removeAlpha();
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels) throw new Error(`${path}: expected ${channels} channels, got ${info.channels}`);
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

export async function readJsonl<T>(path: string): Promise<T[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}

export interface MetaObject {
  instance: number;
  shape: string;
  color: string;
  classId: number;
  cx: number;
  cy: number;
  size: number;
  bbox: [number, number, number, number];
  visiblePixels: number;
  rgb: [number, number, number];
}

export interface MetaRow {
  image_id: string;
  image: string;
  mask: string;
  instances: string;
  split: 'train' | 'test';
  label: number;
  label_name: string;
  label_instance: number;
  objects: MetaObject[];
  clutter: { kind: 'dot' | 'line'; color: string; rgb: [number, number, number]; x0: number; y0: number; x1: number; y1: number; radius: number }[];
  background: { kind: 'noise' | 'stripes' | 'gradient'; colors: [[number, number, number], [number, number, number]]; angle: number; period: number; phase: number; grid: number; textureSeed: number };
  noise: { std: number; seed: number };
}

export interface PairRow {
  id: string;
  images: string[];
  prompt: { role: string; content: { type: string; text?: string }[] }[];
  chosen: { role: string; content: { type: string; text?: string }[] }[];
  rejected: { role: string; content: { type: string; text?: string }[] }[];
  split: 'train' | 'test';
  kind: 'attribute' | 'count' | 'relation';
  reason: string;
  image_id: string;
  target_instances: number[];
}
