import { GrpcError, Status } from "@tsgrpc/grpc";
import { Registry } from "@tsgrpc/protobuf/codegen-support";
import { CompileError, formatDiagnostic } from "@tsgrpc/compiler";
import { compileFiles, parseProtocArgs } from "./compile-command.js";
import { describeSymbol } from "./proto-printer.js";
import { openChannel, ReflectionClient, type TargetOptions } from "./reflection-client.js";

export const LIST_USAGE = `usage: tsgrpc list HOST:PORT [SERVICE] [--plaintext | --cacert FILE [--cert FILE --key FILE]] [--proto FILE -I DIR]
  Lists the services a server offers (through reflection, or in the --proto files), or the methods of one of them.`;
export const DESCRIBE_USAGE = `usage: tsgrpc describe HOST:PORT SYMBOL [--plaintext | --cacert FILE ...] [--proto FILE -I DIR]
  Prints a service, method, message or enum as .proto text, from the server's reflection or the --proto files.`;

/** The schema for a symbol: from --proto files when given (no server needed), otherwise from reflection. */
export async function schemaFor(symbol: string, flags: Map<string, string | true>, includes: string[], reflection: ReflectionClient): Promise<Registry> {
  const proto = flags.get("proto");
  if (typeof proto !== "string") return reflection.registryFor(symbol);
  const { compiler, compiled } = compileFiles(includes, proto.split(","));
  return Registry.from(compiler.withImports(compiled));
}

export function targetOptions(flags: Map<string, string | true>): TargetOptions {
  const str = (k: string) => (typeof flags.get(k) === "string" ? (flags.get(k) as string) : undefined);
  return { plaintext: !str("cacert") && !str("cert"), cacert: str("cacert"), cert: str("cert"), key: str("key") };
}

/** Exit statuses of RPC failures: 64 + the gRPC status code (grpcurl's convention), so they never collide with
 * 1 (schema errors) or 2 (usage), and scripts can tell NOT_FOUND (69) from UNAVAILABLE (78). */
export const STATUS_EXIT_BASE = 64;

export function failWithStatus(command: string, e: unknown): number {
  if (e instanceof CompileError) {
    process.stderr.write(e.diagnostics.filter((d) => !d.warning).map(formatDiagnostic).join("\n") + "\n");
    return 1;
  }
  const error = e instanceof GrpcError ? e : GrpcError.from(e, false);
  process.stderr.write(`tsgrpc ${command}: ${Status[error.code]}: ${error.rawMessage}\n`);
  return STATUS_EXIT_BASE + error.code;
}

export async function runList(args: string[]): Promise<number> {
  const { files: positional, flags, includes } = parseProtocArgs(args);
  const [target, service] = positional;
  if (!target) {
    process.stderr.write(LIST_USAGE + "\n");
    return 2;
  }
  const channel = openChannel(target, targetOptions(flags));
  try {
    const reflection = new ReflectionClient(channel);
    if (!service) {
      const proto = flags.get("proto");
      const names = typeof proto === "string" ? [...(await schemaFor("", flags, includes, reflection)).services.keys()] : await reflection.listServices();
      for (const name of names.sort()) process.stdout.write(name + "\n");
      return 0;
    }
    const info = (await schemaFor(service, flags, includes, reflection)).getService(service);
    if (!info) throw new GrpcError(Status.NOT_FOUND, `Service "${service}" not found`);
    for (const m of info.methods) process.stdout.write(`${service}.${m.name}\n`);
    return 0;
  } catch (e) {
    return failWithStatus("list", e);
  } finally {
    channel.close();
  }
}

export async function runDescribe(args: string[]): Promise<number> {
  const { files: positional, flags, includes } = parseProtocArgs(args);
  const [target, symbol] = positional;
  if (!target || !symbol) {
    process.stderr.write(DESCRIBE_USAGE + "\n");
    return 2;
  }
  const channel = openChannel(target, targetOptions(flags));
  try {
    const registry = await schemaFor(symbol, flags, includes, new ReflectionClient(channel));
    const text = describeSymbol(registry, symbol);
    if (!text) throw new GrpcError(Status.NOT_FOUND, `Symbol "${symbol}" not found`);
    process.stdout.write(text);
    return 0;
  } catch (e) {
    return failWithStatus("describe", e);
  } finally {
    channel.close();
  }
}
