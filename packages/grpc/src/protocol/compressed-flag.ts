/**
 * Per-message compression, for the few that care (the interop cases, and anyone who must not compress a secret
 * next to attacker-controlled data): the receiving side can ask whether a message arrived compressed, and the sending
 * side can exempt one message from the call's compression.
 */
const arrivedCompressed = new WeakSet<object>();
const exempt = new WeakSet<object>();

/** @internal */
export function markArrivedCompressed(message: object): void {
  arrivedCompressed.add(message);
}

/** Whether a received message came with the compressed flag set. */
export function wasCompressed(message: object): boolean {
  return arrivedCompressed.has(message);
}

/** Sends this message uncompressed even when the call compresses; returns it. */
export function sendUncompressed<T extends object>(message: T): T {
  exempt.add(message);
  return message;
}

/** @internal */
export function isExempt(message: object): boolean {
  return exempt.has(message);
}
