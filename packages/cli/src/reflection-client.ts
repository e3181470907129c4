import { createClient, GrpcError, ServerReflectionV1, ServerReflectionV1Alpha, Status } from "@tsgrpc/grpc";
import type { Channel, Metadata } from "@tsgrpc/grpc";
import { getFileDescriptorType, Registry } from "@tsgrpc/protobuf/codegen-support";
import type { FileDescriptorProto, MessageType } from "@tsgrpc/protobuf";

type MessageOf<T> = T extends MessageType<infer M> ? M : never;
type ReflectionMethod = (typeof ServerReflectionV1)["methods"]["serverReflectionInfo"];
/** A reflection question: the request's `message_request` oneof. */
type Request = MessageOf<ReflectionMethod["input"]>["messageRequest"];
/** A reflection answer: the response's `message_response` oneof. */
type Answer = MessageOf<ReflectionMethod["output"]>["messageResponse"];

/**
 * A server reflection client: asks one question per call (v1, falling back to v1alpha for older servers) and turns
 * the answers into descriptors. Every question carries `metadata` (-H, --reflect-header): a server may guard
 * reflection as it guards its methods.
 */
export class ReflectionClient {
  private useAlpha = false;

  constructor(private readonly channel: Channel, private readonly metadata: Metadata, private readonly timeout = 10_000) {}

  /** Asks one question; the answer is the response's `message_response` oneof (an error_response is thrown). */
  private async ask(request: Request): Promise<Answer> {
    // v1 and v1alpha messages have the same shape; the client is typed with v1's.
    const service = (this.useAlpha ? ServerReflectionV1Alpha : ServerReflectionV1) as typeof ServerReflectionV1;
    const client = createClient(service, this.channel);
    try {
      for await (const response of client.serverReflectionInfo([{ messageRequest: request }], { timeout: this.timeout, metadata: this.metadata })) {
        const answer = response.messageResponse;
        if (answer.case === "errorResponse") throw new GrpcError(answer.value.errorCode as Status, answer.value.errorMessage);
        return answer;
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
    const answer = await this.ask({ case: "listServices", value: "" });
    if (answer.case !== "listServicesResponse") throw unexpected(answer);
    return answer.value.service.map((s) => s.name);
  }

  /** The files defining `symbol` and everything they import, as a registry. */
  async registryFor(symbol: string): Promise<Registry> {
    const files = new Map<string, FileDescriptorProto>();
    const add = (answer: Answer) => {
      if (answer.case !== "fileDescriptorResponse") throw unexpected(answer);
      for (const bytes of answer.value.fileDescriptorProto) {
        const file = getFileDescriptorType().decode(bytes);
        files.set(file.name!, file);
      }
    };
    add(await this.ask({ case: "fileContainingSymbol", value: symbol }));
    // Servers may leave out imports they sent before: ask for any that are missing.
    for (let missing = this.missing(files); missing.length; missing = this.missing(files)) {
      for (const name of missing) add(await this.ask({ case: "fileByFilename", value: name }));
    }
    return Registry.from(topologically(files));
  }

  private missing(files: Map<string, FileDescriptorProto>): string[] {
    return [...new Set([...files.values()].flatMap((f) => f.dependency))].filter((d) => !files.has(d));
  }
}

function unexpected(answer: Answer): GrpcError {
  return new GrpcError(Status.INTERNAL, `the reflection service answered with ${answer.case ?? "nothing"}`);
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
