// Decoding of 16-bit floats (IEEE half and bfloat16) to float32, for checkpoints saved in F16/BF16.

/** One IEEE 754 binary16 bit pattern → its value (exact: every half is a float32). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

let halfTable: Float32Array | undefined;

/** IEEE half array → float32, through a 65,536-entry table (256 KB, built on first use): a lookup per element. */
export function halfArrayToFloat32(halves: Uint16Array): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfTable[bits] = halfToFloat(bits);
  }
  const table = halfTable;
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = table[halves[i] as number] as number;
  return out;
}

/** bfloat16 is the top half of a float32, so widening is a 16-bit shift of the bit pattern. */
export function bfloat16ArrayToFloat32(bf16: Uint16Array): Float32Array {
  const out = new Float32Array(bf16.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bf16.length; i++) outBits[i] = (bf16[i] as number) << 16;
  return out;
}
