import { setMaxListeners } from "node:events";
import { writeFileSync } from "node:fs";
import { createClient, GrpcError, Status } from "@tsgrpc/grpc";
import type { CallOptions, Channel, Metadata } from "@tsgrpc/grpc";
import type { FlagSpec, ParsedArgs } from "./cli-args.js";
import { CallRecorder, type BenchSummary } from "./bench-stats.js";
import { formatHtml, formatText } from "./bench-report.js";
import { CliError, UsageError } from "./errors.js";
import { CALL_HEADER_FLAGS, rpcMetadata } from "./headers.js";
import { resolveMethod, type MethodTarget } from "./method-target.js";
import { DATA_FLAG, decodeRequests, readRequestTexts, type RequestTexts } from "./request-input.js";
import { STATUS_EXIT_BASE } from "./exit-statuses.js";
import { runCommand } from "./run-command.js";
import { SchemaSource, SCHEMA_FLAGS } from "./schema-source.js";
import { connectAll, openTarget, TARGET_FLAGS } from "./target.js";

export const BENCH_USAGE = `usage: tsgrpc bench HOST:PORT pkg.Service/Method [-d JSON | -d @FILE | -d @] [-c N] [-n N | -z DURATION] [--rps N]
                    [--connections N] [--warmup N] [--timeout MS] [-H 'key: value']... [--rpc-header 'key: value']...
                    [--reflect-header 'key: value']... [--format text|json] [--html FILE]
                    [--plaintext | --cacert FILE [--cert FILE --key FILE]] [--lb pick_first|round_robin] [--proto FILE -I DIR]
  Load-tests a method: -c calls in flight (default 50) over --connections HTTP/2 connections (default 1), until -n
  calls (default 200) or for -z (10s, 500ms, 1m), at most --rps calls per second, after --warmup calls that are not
  counted. Streaming methods count one call per stream (the JSON values of -d are the messages of client and bidi
  streams, or a list that unary calls take in turn). Prints latency percentiles, a histogram and the status codes;
  Ctrl-C stops early and prints what completed. HOST:PORT may be any target of gRPC's naming spec (dns:///name:port,
  ipv4:a:p,b:p, unix:path); --lb round_robin spreads the calls over every address.`;

const BENCH_FLAGS: readonly FlagSpec[] = [
  ...TARGET_FLAGS,
  ...SCHEMA_FLAGS,
  ...CALL_HEADER_FLAGS,
  DATA_FLAG,
  { names: ["-c"], value: "N" },
  { names: ["-n"], value: "N" },
  { names: ["-z"], value: "DURATION" },
  { names: ["--rps"], value: "N" },
  { names: ["--connections"], value: "N" },
  { names: ["--warmup"], value: "N" },
  { names: ["--timeout"], value: "MS" },
  { names: ["--format"], value: "text|json" },
  { names: ["--html"], value: "FILE" },
];

/** "10s", "500ms", "1m30s", "2h" -> milliseconds. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join("") !== text) throw new UsageError(`-z needs a duration such as 10s, 500ms or 1m30s, not "${text}"`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
}

interface BenchSettings {
  concurrency: number;
  connections: number;
  total: number | undefined;
  durationMs: number | undefined;
  rps: number | undefined;
  warmup: number;
  timeout: number;
  format: "text" | "json";
  html: string | undefined;
}

function parseSettings(args: ParsedArgs): BenchSettings {
  const z = args.value("-z");
  const durationMs = z === undefined ? undefined : parseDuration(z);
  if (durationMs !== undefined && args.has("-n")) throw new UsageError("give -n or -z, not both");
  const format = args.value("--format") ?? "text";
  if (format !== "text" && format !== "json") throw new UsageError(`--format is text or json, not "${format}"`);
  return {
    concurrency: args.int("-c", 1, 50)!,
    connections: args.int("--connections", 1, 1)!,
    total: args.int("-n", 1, durationMs === undefined ? 200 : undefined),
    durationMs,
    rps: args.int("--rps", 1),
    warmup: args.int("--warmup", 0, 0)!,
    timeout: args.int("--timeout", 1, 20_000)!,
    format,
    html: args.value("--html"),
  };
}

export function runBench(argv: string[]): Promise<number> {
  return runCommand("bench", BENCH_USAGE, BENCH_FLAGS, argv, async (args) => {
    const [target, methodPath] = args.expect(2, 2, "a target (HOST:PORT) and a method (pkg.Service/Method)");
    const settings = parseSettings(args);
    const metadata = rpcMetadata(args);
    const texts = readRequestTexts(args.value("-d"));
    const channels = Array.from({ length: settings.connections }, () => openTarget(target!, args));
    try {
      // Connected before the clock starts, and a server that cannot be reached is one message, not N failed calls.
      await connectAll(channels);
      return await bench(settings, channels, await resolveMethod(new SchemaSource(args, channels[0]!), methodPath!), texts, metadata, target!);
    } finally {
      for (const ch of channels) ch.close();
    }
  });
}

/** Loads the method as `settings` say and prints the summary; the exit status says how the calls ended. */
async function bench(settings: BenchSettings, channels: Channel[], { service, localName, method, registry }: MethodTarget, texts: RequestTexts, metadata: Metadata, target: string): Promise<number> {
  const requests = decodeRequests(texts, method.input, registry);
  const stubs = channels.map((ch) => (createClient(service, ch) as Record<string, (r: unknown, o: CallOptions) => unknown>)[localName]!);
  const streamsRequests = method.kind === "client_streaming" || method.kind === "bidi_streaming";
  const streamsResponses = method.kind === "server_streaming" || method.kind === "bidi_streaming";
  if (!streamsRequests && requests.length === 0) throw new CliError(`${method.name} takes one request per call, -d gave none`);

  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // every call in flight listens to it
  /** One call, start to status; `i` picks the connection and (for unary and server streaming) the request. */
  async function call(i: number): Promise<void> {
    const options: CallOptions = { metadata, timeout: settings.timeout, signal: stop.signal };
    const result = stubs[i % stubs.length]!(streamsRequests ? requests : requests[i % requests.length], options);
    if (streamsResponses) for await (const _ of result as AsyncIterable<unknown>);
    else await result;
  }

  /** Runs calls with `concurrency` in flight until `more(i)` says stop; `onEnd` hears of each. */
  async function load(more: (i: number) => boolean, onEnd?: (start: number, latency: number, error: unknown) => void, rps?: number): Promise<void> {
    let issued = 0;
    const origin = performance.now();
    async function worker(): Promise<void> {
      while (!stop.signal.aborted && more(issued)) {
        const i = issued++;
        if (rps) {
          const due = origin + (i * 1000) / rps;
          const wait = due - performance.now();
          if (wait > 1) await new Promise((r) => setTimeout(r, wait));
          if (stop.signal.aborted || !more(i)) return;
        }
        const start = performance.now();
        let error: unknown;
        try {
          await call(i);
        } catch (e) {
          error = e;
        }
        if (stop.signal.aborted && error) return; // cancelled by Ctrl-C: not a result
        onEnd?.(start - origin, performance.now() - start, error);
      }
    }
    await Promise.all(Array.from({ length: settings.concurrency }, worker));
  }

  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    stop.abort();
  };
  process.once("SIGINT", onSigint);
  const recorder = new CallRecorder();
  const progress = settings.format === "text" && process.stderr.isTTY ? startProgress(recorder, settings) : undefined;
  let started = 0;
  try {
    if (settings.warmup) await load((i) => i < settings.warmup);
    started = performance.now();
    const deadline = settings.durationMs === undefined ? Infinity : started + settings.durationMs;
    const more = settings.total !== undefined ? (i: number) => i < settings.total! : () => performance.now() < deadline;
    await load(more, (start, latency, error) => {
      const e = error === undefined ? undefined : error instanceof GrpcError ? error : GrpcError.from(error, false);
      recorder.add(start, latency, e?.code ?? Status.OK, e && `${Status[e.code]}: ${e.rawMessage}`);
    }, settings.rps);
  } finally {
    process.off("SIGINT", onSigint);
    progress?.stop();
  }
  const summary: BenchSummary = recorder.summarize(
    {
      target,
      method: method.path,
      kind: method.kind,
      options: { concurrency: settings.concurrency, connections: settings.connections, total: settings.total, durationMs: settings.durationMs, rps: settings.rps, warmup: settings.warmup },
      interrupted,
      totalMs: Math.round((performance.now() - started) * 1000) / 1000,
    },
    (code) => Status[code] ?? String(code),
  );
  process.stdout.write(settings.format === "json" ? JSON.stringify(summary, null, 2) + "\n" : formatText(summary));
  if (settings.html) writeFileSync(settings.html, formatHtml(summary));
  if (interrupted) return 130;
  // Every call failed: the exit status says how, as for `tsgrpc call`.
  if (summary.count > 0 && !summary.statuses["OK"]) return STATUS_EXIT_BASE + (Status[Object.keys(summary.statuses)[0] as keyof typeof Status] as number);
  return 0;
}

/** A progress bar on stderr, redrawn five times a second. */
function startProgress(recorder: CallRecorder, settings: { total?: number; durationMs?: number }) {
  const began = performance.now();
  const draw = () => {
    const elapsed = performance.now() - began;
    const fraction = settings.total !== undefined ? recorder.count / settings.total : elapsed / (settings.durationMs ?? 1);
    const f = Math.min(1, fraction);
    const width = 30;
    const rate = elapsed > 0 ? (recorder.count * 1000) / elapsed : 0;
    process.stderr.write(`\r[${"=".repeat(Math.round(f * width)).padEnd(width)}] ${(f * 100).toFixed(0).padStart(3)}%  ${recorder.count} calls  ${rate.toFixed(0)} req/s `);
  };
  const timer = setInterval(draw, 200);
  return {
    stop() {
      clearInterval(timer);
      draw();
      process.stderr.write("\n");
    },
  };
}
