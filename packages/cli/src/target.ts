import { readFileSync } from "node:fs";
import { createChannel } from "@tsgrpc/grpc";
import type { Channel } from "@tsgrpc/grpc";
import type { FlagSpec, ParsedArgs } from "./cli-args.js";
import { CliError, UsageError } from "./errors.js";

/** How the commands that talk to a server reach it: h2c by default, TLS with --cacert (and --cert/--key). */
export const TARGET_FLAGS: readonly FlagSpec[] = [{ names: ["--plaintext"] }, { names: ["--cacert"], value: "FILE" }, { names: ["--cert"], value: "FILE" }, { names: ["--key"], value: "FILE" }];

function readPem(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new CliError(`cannot read ${flag} "${path}": ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
}

/** The channel to `target` with the TLS the flags ask for (it connects on first use). */
export function openTarget(target: string, args: ParsedArgs): Channel {
  const [cacert, cert, key] = [args.value("--cacert"), args.value("--cert"), args.value("--key")];
  if (args.has("--plaintext") && (cacert || cert)) throw new UsageError("--plaintext and --cacert/--cert contradict each other");
  if (!cert !== !key) throw new UsageError("--cert and --key go together");
  if (!cacert && !cert) return createChannel(target);
  const tls: Record<string, Buffer> = {};
  if (cacert) tls["ca"] = readPem("--cacert", cacert);
  if (cert) tls["cert"] = readPem("--cert", cert);
  if (key) tls["key"] = readPem("--key", key);
  return createChannel(target, { tls });
}

/** Runs `work` with a channel to `target`, and closes the channel after. */
export async function withTarget<T>(target: string, args: ParsedArgs, work: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = openTarget(target, args);
  try {
    return await work(channel);
  } finally {
    channel.close();
  }
}
