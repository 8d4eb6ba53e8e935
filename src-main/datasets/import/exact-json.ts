// Finds what decoding and JSON.parse changed from a record's text, so such a record is refused with the reason instead
// of being stored altered: bytes that are not UTF-8 become U+FFFD, a lone surrogate (`"\ud800"`) cannot be written
// back as UTF-8 (it would be exported as U+FFFD), and a number beyond a double's range (`1e999`) parses as Infinity,
// which the database and JSON store as null.

/** A UTF-16 surrogate without its other half; written without the `u` flag so it matches code units. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The reason a parsed record would not be stored exactly as written, or undefined when it would. */
export function inexactValue(value: unknown): string | undefined {
  const found = findLeaf(value, (leaf) =>
    typeof leaf === 'string' ? LONE_SURROGATE.test(leaf) : typeof leaf === 'number' && !Number.isFinite(leaf),
  );
  if (!found) return undefined;
  if (typeof found.leaf === 'number') {
    return `${found.where} is a number too large to store (it reads as ${found.leaf}): write it within ±1.7e308, or as a string`;
  }
  return `${found.where} holds a lone UTF-16 surrogate escape, which cannot be stored as text: fix or remove it`;
}

/** Where a record decoded from bytes that are not UTF-8 got U+FFFD in place of them ("field "chosen""), if found. */
export function whereReplaced(value: unknown): string | undefined {
  return findLeaf(value, (leaf) => typeof leaf === 'string' && leaf.includes('\uFFFD'))?.where;
}

/**
 * The first string, number or key (in document order) that `test` picks, named as the user would find it in the
 * file: `field "prompt[0].content[1].text"`, `key "a.b"`, or `the record` for a top-level scalar.
 */
function findLeaf(value: unknown, test: (leaf: unknown) => boolean, path = ''): { where: string; leaf: unknown } | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findLeaf(item, test, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const inner = path === '' ? key : `${path}.${key}`;
      if (test(key)) return { where: `key "${inner}"`, leaf: key };
      const found = findLeaf(item, test, inner);
      if (found) return found;
    }
    return undefined;
  }
  return test(value) ? { where: path === '' ? 'the record' : `field "${path}"`, leaf: value } : undefined;
}
