import { GrpcError, Status } from "@tsgrpc/grpc";
import { didYouMean } from "@tsgrpc/compiler";
import { REFLECTION_HEADER_FLAGS } from "./headers.js";
import { describeSymbol } from "./proto-printer.js";
import { runCommand } from "./run-command.js";
import { SchemaSource, SCHEMA_FLAGS } from "./schema-source.js";
import { TARGET_FLAGS, withTarget } from "./target.js";

export const LIST_USAGE = `usage: tsgrpc list HOST:PORT [SERVICE] [-H 'key: value']... [--reflect-header 'key: value']...
                  [--plaintext | --cacert FILE [--cert FILE --key FILE]] [--lb pick_first|round_robin] [--proto FILE -I DIR]
  Lists the services a server offers (through reflection, or in the --proto files), or the methods of one of them.`;
export const DESCRIBE_USAGE = `usage: tsgrpc describe HOST:PORT SYMBOL [-H 'key: value']... [--reflect-header 'key: value']...
                      [--plaintext | --cacert FILE [--cert FILE --key FILE]] [--lb pick_first|round_robin] [--proto FILE -I DIR]
  Prints a service, method, message or enum as .proto text, from the server's reflection or the --proto files.
  -H and --reflect-header go with every reflection request (a server may want a token for reflection too).`;

const FLAGS = [...TARGET_FLAGS, ...SCHEMA_FLAGS, ...REFLECTION_HEADER_FLAGS];

export function runList(argv: string[]): Promise<number> {
  return runCommand("list", LIST_USAGE, FLAGS, argv, (args) => {
    const [target, service] = args.expect(1, 2, "a target (HOST:PORT)");
    return withTarget(target!, args, async (channel) => {
      const schema = new SchemaSource(args, channel);
      if (!service) {
        for (const name of (await schema.serviceNames()).sort()) process.stdout.write(name + "\n");
        return 0;
      }
      const info = (await schema.lookup(service))?.getService(service);
      if (!info) throw new GrpcError(Status.NOT_FOUND, `Service "${service}" not found.${didYouMean(service, await schema.serviceNames().catch(() => []))}`);
      for (const m of info.methods) process.stdout.write(`${service}.${m.name}\n`);
      return 0;
    });
  });
}

export function runDescribe(argv: string[]): Promise<number> {
  return runCommand("describe", DESCRIBE_USAGE, FLAGS, argv, (args) => {
    const [target, symbol] = args.expect(2, 2, "a target (HOST:PORT) and a symbol");
    const name = symbol!.replace(/^\./, "");
    return withTarget(target!, args, async (channel) => {
      const schema = new SchemaSource(args, channel);
      const registry = await schema.lookup(name);
      const text = registry && describeSymbol(registry, name);
      if (!text) throw new GrpcError(Status.NOT_FOUND, `Symbol "${symbol}" not found.${didYouMean(name, await schema.symbolNames().catch(() => []))}`);
      process.stdout.write(text);
      return 0;
    });
  });
}
