/**
 * Small byte arrays carved out of shared 16 KiB slabs. A new ArrayBuffer costs far more than a view on an existing
 * one (it is allocated and tracked outside the JavaScript heap), and encoding allocates one per message: this is
 * what Node's Buffer pool does, without depending on Node. A view keeps its slab alive, so only small arrays come
 * from slabs; larger ones get their own buffer.
 */
const SLAB_SIZE = 16 * 1024;
const MAX_POOLED = 2 * 1024;

let slab = new ArrayBuffer(SLAB_SIZE);
let offset = 0;

export function allocBytes(n: number): Uint8Array {
  if (n > MAX_POOLED) return new Uint8Array(n);
  if (offset + n > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    offset = 0;
  }
  const view = new Uint8Array(slab, offset, n);
  offset += (n + 7) & ~7; // keep views 8-byte aligned
  return view;
}
