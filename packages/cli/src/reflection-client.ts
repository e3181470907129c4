import { createClient, GrpcError, ServerReflectionV1, ServerReflectionV1Alpha, Status } from "@tsgrpc/grpc";
import type { Channel, Metadata } from "@tsgrpc/grpc";
import { getFileDescriptorType, Registry } from "@tsgrpc/protobuf";
import type { FileDescriptorProto } from "@tsgrpc/protobuf";

type Request = Record<string, unknown>;

/**
 * A server reflection client: asks one question per call (v1, falling back to v1alpha for older servers) and turns
 * the answers into descriptors. Every question carries `metadata` (-H, --reflect-header): a server may guard
 * reflection as it guards its methods.
 */
export class ReflectionClient {
  private useAlpha = false;

  constructor(private readonly channel: Channel, private readonly metadata: Metadata, private readonly timeout = 10_000) {}

  private async ask(request: Request): Promise<Record<string, any>> {
    const service = this.useAlpha ? ServerReflectionV1Alpha : ServerReflectionV1;
    const client = createClient(service, this.channel);
    try {
      for await (const response of client.serverReflectionInfo([request], { timeout: this.timeout, metadata: this.metadata })) {
        const error = (response as Record<string, any>)["errorResponse"];
        if (error) throw new GrpcError(error.errorCode as Status, error.errorMessage as string);
        return response as Record<string, any>;
      }
      throw new GrpcError(Status.INTERNAL, "the reflection service answered nothing");
    } catch (e) {
      if (e instanceof GrpcError && e.code === Status.UNIMPLEMENTED && !this.useAlpha) {
        this.useAlpha = true;
        return this.ask(request);
      }
      if (e instanceof GrpcError && e.code === Status.UNIMPLEMENTED) {
        throw new GrpcError(Status.UNIMPLEMENTED, "the server does not offer reflection (grpc.reflection.v1 or v1alpha): pass the schema with --proto FILE -I DIR");
      }
      if (e instanceof GrpcError && e.code === Status.UNAUTHENTICATED && this.metadata.keys().length === 0) {
        throw new GrpcError(e.code, `${e.rawMessage} (the server's reflection wants credentials: pass them with -H or --reflect-header)`, { metadata: e.metadata });
      }
      throw e;
    }
  }

  async listServices(): Promise<string[]> {
    const response = await this.ask({ listServices: "" });
    return (response["listServicesResponse"].service as { name: string }[]).map((s) => s.name);
  }

  /** The files defining `symbol` and everything they import, as a registry. */
  async registryFor(symbol: string): Promise<Registry> {
    const files = new Map<string, FileDescriptorProto>();
    const add = (response: Record<string, any>) => {
      for (const bytes of response["fileDescriptorResponse"].fileDescriptorProto as Uint8Array[]) {
        const file = getFileDescriptorType().decode(bytes);
        files.set(file.name!, file);
      }
    };
    add(await this.ask({ fileContainingSymbol: symbol }));
    // Servers may leave out imports they sent before: ask for any that are missing.
    for (let missing = this.missing(files); missing.length; missing = this.missing(files)) {
      for (const name of missing) add(await this.ask({ fileByFilename: name }));
    }
    return Registry.from(topologically(files));
  }

  private missing(files: Map<string, FileDescriptorProto>): string[] {
    return [...new Set([...files.values()].flatMap((f) => f.dependency))].filter((d) => !files.has(d));
  }
}

function topologically(files: Map<string, FileDescriptorProto>): FileDescriptorProto[] {
  const out: FileDescriptorProto[] = [];
  const seen = new Set<string>();
  const visit = (f: FileDescriptorProto) => {
    if (seen.has(f.name!)) return;
    seen.add(f.name!);
    for (const d of f.dependency) if (files.has(d)) visit(files.get(d)!);
    out.push(f);
  };
  files.forEach(visit);
  return out;
}
