/** The Date header's value (RFC 9110 6.6.1), made at most once a second. */
let cached = "";
let cachedSecond = -1;

export function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cached = new Date(now).toUTCString();
  }
  return cached;
}
