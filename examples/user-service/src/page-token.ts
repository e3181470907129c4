import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * ListUsers page tokens: opaque to clients, a cursor to the server. The token holds the last id of the page it ends
 * (so that users created between pages neither shift nor repeat what follows) and an HMAC with the store's secret, so
 * that a token edited by hand or minted by another deployment is refused instead of silently paging from elsewhere.
 *   token = base64url(JSON {"v":1,"after":id}) "." base64url(HMAC-SHA256(secret, payload)[0..16])
 */
export class PageTokens {
  constructor(private readonly secret: Uint8Array) {}

  private sign(payload: string): string {
    return createHmac("sha256", this.secret).update(payload).digest().subarray(0, 16).toString("base64url");
  }

  encode(afterId: number): string {
    const payload = Buffer.from(JSON.stringify({ v: 1, after: afterId })).toString("base64url");
    return `${payload}.${this.sign(payload)}`;
  }

  /** The id the page starts after; undefined for a token this server did not issue. */
  decode(token: string): number | undefined {
    const dot = token.indexOf(".");
    if (dot < 0 || token.length > 200) return undefined;
    const payload = token.slice(0, dot);
    // The MAC's text, not its decoded bytes: base64url decoders ignore the last character's unused bits (and stray
    // characters), so several texts decode to the same MAC, and a token edited that way would be accepted.
    const mac = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.sign(payload));
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    try {
      const { v, after } = JSON.parse(Buffer.from(payload, "base64url").toString()) as { v?: unknown; after?: unknown };
      return v === 1 && Number.isSafeInteger(after) && (after as number) >= 0 ? (after as number) : undefined;
    } catch {
      return undefined;
    }
  }
}
