import { readFileSync } from "node:fs";
import { createChannel, GrpcError, InvalidTargetError, Status } from "@tsgrpc/grpc";
import type { Channel } from "@tsgrpc/grpc";
import type { FlagSpec, ParsedArgs } from "./cli-args.js";
import { CliError, UsageError } from "./errors.js";

/** How the commands that talk to a server reach it: h2c by default, TLS with --cacert (and --cert/--key). */
export const TARGET_FLAGS: readonly FlagSpec[] = [
  { names: ["--plaintext"] },
  { names: ["--cacert"], value: "FILE" },
  { names: ["--cert"], value: "FILE" },
  { names: ["--key"], value: "FILE" },
  { names: ["--lb"], value: "pick_first|round_robin" },
];

/** The channel's load balancing policy from --lb, as a service config (pick_first when absent). */
function loadBalancing(args: ParsedArgs): { defaultServiceConfig?: object } {
  const lb = args.value("--lb");
  if (lb === undefined) return {};
  if (lb !== "pick_first" && lb !== "round_robin") throw new UsageError(`--lb is pick_first or round_robin, not "${lb}"`);
  return { defaultServiceConfig: { loadBalancingConfig: [{ [lb]: {} }] } };
}

/** Targets of gRPC's naming spec that name their own addresses: the channel checks them (doc/naming.md). */
const NAMING_SCHEMES = /^(dns|ipv4|ipv6|unix|unix-abstract):/i;

/**
 * HOST:PORT or [V6]:PORT (a port is required, as grpcurl requires one), or any target of gRPC's naming spec
 * (`dns:///name:port`, `ipv4:a:p,b:p`, `unix:path`...), checked by the channel.
 */
function checkTarget(target: string): void {
  if (NAMING_SCHEMES.test(target)) return;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) throw new UsageError(`give the target as HOST:PORT, without a URL scheme (not "${target}")`);
  const m = /^(?:dns:|ipv4:|ipv6:)?(\[[^\]]+\]|[^:[\]]+):([^:]*)$/.exec(target);
  if (!m) throw new UsageError(`the target "${target}" has no port: give HOST:PORT, e.g. ${target.includes(":") ? `[${target}]` : target}:50051`);
  const port = m[2]!;
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) throw new UsageError(`the port of "${target}" must be 1 to 65535, not "${port}"`);
}

function readPem(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new CliError(`cannot read ${flag} "${path}": ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
}

/** The channel to `target` with the TLS the flags ask for (it connects on first use). */
export function openTarget(target: string, args: ParsedArgs): Channel {
  checkTarget(target);
  const [cacert, cert, key] = [args.value("--cacert"), args.value("--cert"), args.value("--key")];
  if (args.has("--plaintext") && (cacert || cert)) throw new UsageError("--plaintext and --cacert/--cert contradict each other");
  if (!cert !== !key) throw new UsageError("--cert and --key go together");
  if (!cacert && !cert) return channelTo(target, loadBalancing(args));
  const tls: Record<string, Buffer> = {};
  if (cacert) tls["ca"] = readPem("--cacert", cacert);
  if (cert) tls["cert"] = readPem("--cert", cert);
  if (key) tls["key"] = readPem("--key", key);
  return channelTo(target, { tls, ...loadBalancing(args) });
}

/** The channel, with a target the naming spec refuses as a usage error. */
function channelTo(target: string, options?: Parameters<typeof createChannel>[1]): Channel {
  try {
    return createChannel(target, options);
  } catch (e) {
    if (e instanceof InvalidTargetError) throw new UsageError(e.message);
    throw e;
  }
}

const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT_ALTNAME_INVALID/;

/** One plain sentence, naming the target, for the socket error that kept the channel from connecting. */
function connectionFailure(cause: Error, channel: Channel): string {
  const code = (cause as NodeJS.ErrnoException).code ?? "";
  const where = `could not connect to ${channel.target}`;
  if (code === "ECONNREFUSED") return `${where}: the connection was refused (is the server running, on that port?)`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `${where}: the host name does not resolve`;
  if (code === "ENOENT") return `${where}: the unix socket does not exist`;
  if (code === "ETIMEDOUT" || code === "EHOSTUNREACH" || code === "ENETUNREACH") return `${where}: the host cannot be reached (${code})`;
  if (channel.secure && CERTIFICATE_CODES.test(code)) return `${where}: the server's TLS certificate was not accepted (${cause.message}); give the CA that signed it with --cacert`;
  // OpenSSL's record-layer errors, or a reset before the handshake ended: what answered does not speak TLS.
  if (channel.secure && (code.startsWith("ERR_SSL_") || code === "ECONNRESET")) return `${where}: the TLS handshake failed, the server does not seem to use TLS on that port (leave out --cacert/--cert for plaintext)`;
  if (code === "ECONNRESET") return `${where}: the connection was reset`;
  if (code === "ERR_TSGRPC_SERVER_SPEAKS_TLS") return `${where}: the server speaks TLS on that port (give the CA that signed its certificate with --cacert FILE)`;
  if (code === "ERR_TSGRPC_NO_HTTP2_ANSWER") return `${where}: the server closed the connection without answering, as a TLS port does (if it uses TLS, give the CA that signed its certificate with --cacert FILE)`;
  return `${where}: ${cause.message}`;
}

/**
 * Runs `work` with a channel to `target` and closes it after; a failure to reach the server becomes one plain
 * sentence naming the target (exit 1, as grpcurl), not a gRPC status.
 */
export async function withTarget<T>(target: string, args: ParsedArgs, work: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = openTarget(target, args);
  try {
    return await work(channel);
  } catch (e) {
    // A call's UNAVAILABLE carries the socket's error as its cause only when the connection could not be made.
    if (e instanceof GrpcError && e.code === Status.UNAVAILABLE && e.cause instanceof Error) throw new CliError(connectionFailure(e.cause, channel), { cause: e });
    throw e;
  } finally {
    channel.close();
  }
}

/** Connects `channels` now (rather than on their first call), reporting a failure as withTarget does. */
export async function connectAll(channels: Channel[]): Promise<void> {
  for (const channel of channels) {
    try {
      await channel.getConnection();
    } catch (e) {
      throw new CliError(connectionFailure(e as Error, channel), { cause: e });
    }
  }
}
