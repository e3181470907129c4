import { createSocket, type Socket } from "node:dgram";

/** The records a name has: IPv4 addresses (A) and TXT records (each a list of strings, as DNS splits them). */
export interface FakeRecords {
  a?: string[];
  txt?: string[][];
}

const TYPE_A = 1;
const TYPE_TXT = 16;

/**
 * A DNS server on 127.0.0.1 (UDP) answering A and TXT queries from a table that a test may change at any time;
 * unknown names get NXDOMAIN, a known name without the record type an empty answer. Enough of RFC 1035 for node's
 * resolver (c-ares) to talk to, so that a `dns://127.0.0.1:PORT/name` target resolves through it.
 */
export class FakeDns {
  readonly records = new Map<string, FakeRecords>();
  /** Queries seen, as "TYPE name". */
  readonly queries: string[] = [];
  private readonly socket: Socket = createSocket("udp4");
  port = 0;

  async listen(): Promise<number> {
    this.socket.on("message", (query, from) => this.socket.send(this.answer(query), from.port, from.address));
    await new Promise<void>((resolve) => this.socket.bind(0, "127.0.0.1", resolve));
    return (this.port = this.socket.address().port);
  }

  close(): void {
    this.socket.close();
  }

  private answer(query: Buffer): Buffer {
    // The question: labels, then type and class.
    let at = 12;
    const labels: string[] = [];
    while (query[at]! > 0) {
      labels.push(query.subarray(at + 1, at + 1 + query[at]!).toString("latin1"));
      at += 1 + query[at]!;
    }
    const questionEnd = at + 5;
    const type = query.readUInt16BE(at + 1);
    const name = labels.join(".").toLowerCase();
    this.queries.push(`${type === TYPE_A ? "A" : type === TYPE_TXT ? "TXT" : type} ${name}`);
    const known = this.records.get(name);
    const answers: Buffer[] = [];
    if (known && type === TYPE_A) for (const ip of known.a ?? []) answers.push(record(TYPE_A, Buffer.from(ip.split(".").map(Number))));
    if (known && type === TYPE_TXT) {
      for (const strings of known.txt ?? []) answers.push(record(TYPE_TXT, Buffer.concat(strings.map((s) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)])))));
    }
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // the id
    header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2); // a response, recursion available; NXDOMAIN for an unknown name
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
  }
}

/** One answer for the question's name (a pointer to offset 12), class IN, TTL 0. */
function record(type: number, data: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt32BE(0, 6);
  head.writeUInt16BE(data.length, 10);
  return Buffer.concat([head, data]);
}
