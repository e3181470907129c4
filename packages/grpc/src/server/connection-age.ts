/** How far a connection's max age is moved, either way: connections opened together then do not all close together. */
const AGE_JITTER = 0.1;

/**
 * The max age of one new connection (gRPC's max connection age, as grpc-go and grpc-core pick it): `maxAgeMs` moved by
 * up to 10% either way, at random. Undefined when there is no max age.
 */
export function jitteredAge(maxAgeMs: number | undefined): number | undefined {
  if (maxAgeMs === undefined || !Number.isFinite(maxAgeMs)) return undefined;
  return maxAgeMs * (1 + AGE_JITTER * (Math.random() * 2 - 1));
}
