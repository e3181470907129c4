import * as grpc from "@grpc/grpc-js";

/** grpc.testing.TestService on grpc-js's server (for the interop cases against grpc-js), from proto-loader's package. */
export function grpcJsTestService(pkg: any): grpc.Server {
  const server = new grpc.Server();
  const zeros = (n: number) => ({ body: Buffer.alloc(n) });
  const echo = (call: any) => {
    const md = new grpc.Metadata();
    const initial = call.metadata.get("x-grpc-test-echo-initial");
    if (initial.length) md.set("x-grpc-test-echo-initial", initial[0]);
    call.sendMetadata(md);
    const trailer = new grpc.Metadata();
    const trailing = call.metadata.get("x-grpc-test-echo-trailing-bin");
    if (trailing.length) trailer.set("x-grpc-test-echo-trailing-bin", trailing[0]);
    return trailer;
  };
  server.addService(pkg.grpc.testing.TestService.service, {
    emptyCall: (call: any, cb: any) => cb(null, {}, echo(call)),
    unaryCall(call: any, cb: any) {
      const trailer = echo(call);
      const s = call.request.responseStatus;
      if (s && s.code) return cb({ code: s.code, details: s.message, metadata: trailer });
      cb(null, { payload: zeros(call.request.responseSize) }, trailer);
    },
    async streamingOutputCall(call: any) {
      for (const p of call.request.responseParameters ?? []) {
        if (p.intervalUs) await new Promise((r) => setTimeout(r, p.intervalUs / 1000));
        call.write({ payload: zeros(p.size) });
      }
      call.end();
    },
    streamingInputCall(call: any, cb: any) {
      let total = 0;
      call.on("data", (r: any) => (total += r.payload?.body?.length ?? 0));
      call.on("end", () => cb(null, { aggregatedPayloadSize: total }));
    },
    fullDuplexCall(call: any) {
      const trailer = echo(call);
      call.on("data", (r: any) => {
        const s = r.responseStatus;
        if (s && s.code) return call.emit("error", { code: s.code, details: s.message, metadata: trailer });
        for (const p of r.responseParameters ?? []) call.write({ payload: zeros(p.size) });
      });
      call.on("end", () => call.end(trailer));
    },
  });
  return server;
}
