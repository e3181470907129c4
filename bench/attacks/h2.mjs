// Raw HTTP/2 bytes for the attack scripts: frames and a request header block, built by hand (no HPACK state), so that
// the same bytes can be sent on every stream of every connection.
export const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
export const DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7, CONTINUATION = 9;
export const END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4;

export function frame(type, flags, streamId, payload = Buffer.alloc(0)) {
  const out = Buffer.allocUnsafe(9 + payload.length);
  out.writeUIntBE(payload.length, 0, 3);
  out[3] = type;
  out[4] = flags;
  out.writeUInt32BE(streamId, 5);
  out.set(payload, 9);
  return out;
}

/** HPACK "literal header field without indexing, new name" (RFC 7541 6.2.2), strings under 127 bytes. */
function literal(name, value) {
  return Buffer.concat([Buffer.of(0, name.length), Buffer.from(name), Buffer.of(value.length), Buffer.from(value)]);
}

/** A gRPC GetUser request's header block. */
export const REQUEST_BLOCK = Buffer.concat([
  [":method", "POST"], [":scheme", "http"], [":path", "/userservice.UserService/GetUser"], [":authority", "127.0.0.1"],
  ["content-type", "application/grpc"], ["te", "trailers"],
].map(([n, v]) => literal(n, v)));

/** GetUserRequest { id: 1 } as a gRPC message (field 1, varint 1). */
export const GET_USER_1 = Buffer.of(0, 0, 0, 0, 2, 0x08, 0x01);

export const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };

/** The client's opening: preface, empty SETTINGS, and an ACK of the server's (sent blind: servers accept it early). */
export const HANDSHAKE = Buffer.concat([PREFACE, frame(SETTINGS, 0, 0), frame(SETTINGS, ACK, 0)]);

/** Finds GOAWAY frames in what the server sent (a minimal frame walker; the attacker reads nothing else). */
export class GoawayWatcher {
  buffered = Buffer.alloc(0);
  goaway = undefined; // { lastStreamId, code }
  push(chunk) {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= 9) {
      const length = this.buffered.readUIntBE(0, 3);
      if (this.buffered.length < 9 + length) return;
      if (this.buffered[3] === GOAWAY && !this.goaway) this.goaway = { lastStreamId: this.buffered.readUInt32BE(9) & 0x7fffffff, code: this.buffered.readUInt32BE(13) };
      this.buffered = this.buffered.subarray(9 + length);
    }
  }
}
