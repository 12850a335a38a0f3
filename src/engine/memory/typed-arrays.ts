/**
 * Loops over typed arrays. One function per array type: a single generic one sees three element
 * kinds and V8's element access in its loop turns slow (megamorphic). A function called with
 * several arrays of the same type stays fast.
 */

type TypedColumn = Float64Array | Uint32Array | Uint8Array;

/** `column` in an array of `length` slots (cut or zero-filled). */
export function resized<C extends TypedColumn>(column: C, length: number): C {
  const grown = new (column.constructor as new (length: number) => C)(length);
  grown.set(column.subarray(0, Math.min(column.length, length)));
  return grown;
}

/** target[offset + i] = source[rows[i]] for the first `count` of `rows`. */
export function gatherFloat64(target: Float64Array, offset: number, source: Float64Array, rows: Uint32Array, count: number): Float64Array {
  for (let i = 0; i < count; i++) target[offset + i] = source[rows[i] as number] as number;
  return target;
}

export function gatherUint32(target: Uint32Array, offset: number, source: Uint32Array, rows: Uint32Array, count: number): Uint32Array {
  for (let i = 0; i < count; i++) target[offset + i] = source[rows[i] as number] as number;
  return target;
}

export function gatherUint8(target: Uint8Array, offset: number, source: Uint8Array, rows: Uint32Array, count: number): Uint8Array {
  for (let i = 0; i < count; i++) target[offset + i] = source[rows[i] as number] as number;
  return target;
}
