/**
 * The key under which a decoded message keeps fields its schema does not know (and extensions), as raw
 * tag-and-value byte chunks, so that they are written back out unchanged. A symbol, so that it never collides with
 * a field name and JSON.stringify passes over it.
 */
export const UnknownFields: unique symbol = Symbol.for("tsgrpc.unknownFields");

export function addUnknown(message: object, chunk: Uint8Array): void {
  const m = message as { [UnknownFields]?: Uint8Array[] };
  (m[UnknownFields] ??= []).push(chunk);
}
