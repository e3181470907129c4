import type { CallOptions, Metadata } from "@tsgrpc/grpc";

/** Metadata as grpcurl prints it: "key: value" lines sorted by key (-bin values in base64), or "(empty)". */
function metadataText(md: Metadata | undefined): string {
  const lines: string[] = [];
  for (const key of (md?.keys() ?? []).sort()) {
    for (const v of md!.getAll(key)) lines.push(`${key}: ${typeof v === "string" ? v : Buffer.from(v).toString("base64")}`);
  }
  return lines.length ? lines.join("\n") : "(empty)";
}

/**
 * `call -v`: what grpcurl's -v prints, in its words and on stdout as it does (the resolved method, the request
 * metadata, the response headers, each response, the trailers, the counts), so what people know to read is there.
 * Without -v only the responses are printed.
 */
export class CallReport {
  private headers: Metadata | undefined;
  private trailers: Metadata | undefined;
  private headersShown = false;
  private responses = 0;

  constructor(private readonly verbose: boolean, private readonly write: (text: string) => void) {}

  /** The call options that hear the response headers and trailers. */
  listen(options: CallOptions): CallOptions {
    if (!this.verbose) return options;
    return { ...options, onHeader: (h) => (this.headers = h), onTrailer: (t) => (this.trailers = t) };
  }

  start(methodText: string, metadata: Metadata): void {
    if (this.verbose) this.write(`\nResolved method descriptor:\n${methodText}\n\nRequest metadata to send:\n${metadataText(metadata)}\n`);
  }

  private showHeaders(): void {
    if (!this.verbose || this.headersShown) return;
    this.headersShown = true;
    // The headers have come by the first response; a call that failed at once may have had none (trailers only).
    this.write(`\nResponse headers received:\n${metadataText(this.headers)}\n`);
  }

  response(json: string): void {
    this.responses++;
    this.showHeaders();
    this.write(this.verbose ? `\nResponse contents:\n${json}\n` : `${json}\n`);
  }

  /** The call is over (with or without an error): the trailers and the counts. */
  end(requests: number): void {
    if (!this.verbose) return;
    this.showHeaders();
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    this.write(`\nResponse trailers received:\n${metadataText(this.trailers)}\nSent ${plural(requests, "request")} and received ${plural(this.responses, "response")}\n`);
  }
}
