import { GrpcError, Status } from "@tsgrpc/grpc";
import type { Channel } from "@tsgrpc/grpc";
import { Registry } from "@tsgrpc/protobuf/codegen-support";
import type { FlagSpec, ParsedArgs } from "./cli-args.js";
import { compileFiles, INCLUDE_FLAG } from "./compile-command.js";
import { reflectionMetadata } from "./headers.js";
import { ReflectionClient } from "./reflection-client.js";

/** --proto FILE (repeatable, or comma-separated) with -I DIR: the schema from files, instead of reflection. */
export const SCHEMA_FLAGS: readonly FlagSpec[] = [{ names: ["--proto"], value: "FILE", repeatable: true }, INCLUDE_FLAG];

/** Where the commands that talk to a server find its schema: the --proto files when given, else server reflection. */
export class SchemaSource {
  private readonly protoFiles: string[];
  private readonly reflection: ReflectionClient;
  private compiled: Registry | undefined;

  constructor(private readonly args: ParsedArgs, channel: Channel) {
    this.protoFiles = args.values("--proto").flatMap((p) => p.split(",")).filter(Boolean);
    this.reflection = new ReflectionClient(channel, reflectionMetadata(args));
  }

  private fromFiles(): Registry {
    if (!this.compiled) {
      const { compiler, compiled } = compileFiles(this.args.values("-I"), this.protoFiles);
      this.compiled = Registry.from(compiler.withImports(compiled));
    }
    return this.compiled;
  }

  /** The schema holding `symbol`, or undefined when the server's reflection does not know it. */
  async lookup(symbol: string): Promise<Registry | undefined> {
    if (this.protoFiles.length) return this.fromFiles();
    try {
      return await this.reflection.registryFor(symbol);
    } catch (e) {
      if (e instanceof GrpcError && e.code === Status.NOT_FOUND) return undefined;
      throw e;
    }
  }

  async serviceNames(): Promise<string[]> {
    return this.protoFiles.length ? [...this.fromFiles().services.keys()] : this.reflection.listServices();
  }

  /** Every symbol of the schema (services, methods, messages, enums): what a misspelled name may have meant. */
  async symbolNames(): Promise<string[]> {
    const registries = this.protoFiles.length ? [this.fromFiles()] : await Promise.all((await this.serviceNames()).map((s) => this.reflection.registryFor(s).catch(() => undefined)));
    const names: string[] = [];
    for (const r of registries) {
      if (!r) continue;
      names.push(...r.messages.keys(), ...r.enums.keys());
      for (const [name, service] of r.services) names.push(name, ...service.methods.map((m) => `${name}.${m.name}`));
    }
    return names;
  }
}
