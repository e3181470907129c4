import { getFileDescriptorType } from "@tsgrpc/protobuf/codegen-support";
import type { DescriptorProto, EnumDescriptorProto, FileDescriptorProto, MessageInit, Registry, ServiceDefinition } from "@tsgrpc/protobuf";
import { ServerReflection as ServerReflectionV1 } from "../gen/grpc/reflection/v1/reflection_pb.js";
import type { ServerReflectionRequest, ServerReflectionResponse } from "../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ServerReflectionV1Alpha } from "../gen/grpc/reflection/v1alpha/reflection_pb.js";
import type { ServiceImplementation } from "../server/handler-types.js";
import { Status } from "../status.js";

export { ServerReflectionV1, ServerReflectionV1Alpha };

/**
 * Server reflection (doc/server-reflection.md), v1 and v1alpha: the services a server offers and the .proto files
 * that define them, with their imports, served from the descriptors generated code carries (or a dynamic service was
 * built from).
 *
 *   const reflection = createReflectionService([UserService, Health]);
 *   server.add(ServerReflectionV1, reflection.implementation).add(ServerReflectionV1Alpha, reflection.implementation);
 */
export class ReflectionService {
  private readonly files = new Map<string, FileDescriptorProto>();
  private readonly symbols = new Map<string, string>(); // full name -> file name
  private readonly extensions = new Map<string, Map<number, string>>(); // extendee -> number -> file name
  private readonly serviceNames: string[];

  constructor(services: ServiceDefinition[], registries: Registry[] = []) {
    this.serviceNames = services.map((s) => s.typeName);
    for (const s of services) if (s.file) this.addRegistry(s.file.registry);
    for (const r of registries) this.addRegistry(r);
    for (const file of this.files.values()) this.index(file);
  }

  private addRegistry(registry: Registry): void {
    for (const [name, file] of registry.allFiles()) if (!this.files.has(name)) this.files.set(name, file);
  }

  private index(file: FileDescriptorProto): void {
    const pkg = file.package ? `${file.package}.` : "";
    const add = (name: string) => this.symbols.set(name, file.name!);
    const enums = (scope: string, list: EnumDescriptorProto[]) => list.forEach((e) => add(scope + e.name));
    const messages = (scope: string, list: DescriptorProto[]) => {
      for (const m of list) {
        const full = scope + m.name;
        add(full);
        for (const f of m.field) add(`${full}.${f.name}`);
        enums(`${full}.`, m.enumType);
        messages(`${full}.`, m.nestedType);
        for (const x of m.extension) this.addExtension(file, x.extendee!, x.number!, `${full}.${x.name}`);
      }
    };
    messages(pkg, file.messageType);
    enums(pkg, file.enumType);
    for (const x of file.extension) this.addExtension(file, x.extendee!, x.number!, pkg + x.name);
    for (const s of file.service) {
      add(pkg + s.name);
      for (const m of s.method) add(`${pkg}${s.name}.${m.name}`);
    }
  }

  private addExtension(file: FileDescriptorProto, extendee: string, no: number, fullName: string): void {
    this.symbols.set(fullName, file.name!);
    const key = extendee.replace(/^\./, "");
    let byNumber = this.extensions.get(key);
    if (!byNumber) this.extensions.set(key, (byNumber = new Map()));
    byNumber.set(no, file.name!);
  }

  /** The file and everything it imports, each once, the file first (as serialized FileDescriptorProtos). */
  private fileWithImports(name: string): Uint8Array[] {
    const type = getFileDescriptorType();
    const out: Uint8Array[] = [];
    const seen = new Set<string>();
    const visit = (n: string) => {
      const file = this.files.get(n);
      if (!file || seen.has(n)) return;
      seen.add(n);
      out.push(type.encode({ ...file, sourceCodeInfo: undefined }));
      file.dependency.forEach(visit);
    };
    visit(name);
    return out;
  }

  /** One answer per request; unknown names get NOT_FOUND in an error_response, and the stream goes on. */
  answer(request: ServerReflectionRequest): MessageInit<ServerReflectionResponse> {
    const base = { validHost: request.host, originalRequest: request };
    const answer = (response: ServerReflectionResponse["messageResponse"]) => ({ ...base, messageResponse: response });
    const error = (errorCode: Status, errorMessage: string) => answer({ case: "errorResponse", value: { errorCode, errorMessage } });
    const files = (name: string | undefined, what: string) =>
      name && this.files.has(name) ? answer({ case: "fileDescriptorResponse", value: { fileDescriptorProto: this.fileWithImports(name) } }) : error(Status.NOT_FOUND, `${what} not found`);
    const r = request.messageRequest;
    switch (r.case) {
      case "listServices":
        return answer({ case: "listServicesResponse", value: { service: this.serviceNames.map((name) => ({ name })) } });
      case "fileByFilename":
        return files(r.value, `File "${r.value}"`);
      case "fileContainingSymbol":
        return files(this.symbols.get(r.value.replace(/^\./, "")), `Symbol "${r.value}"`);
      case "fileContainingExtension": {
        const { containingType, extensionNumber } = r.value;
        return files(this.extensions.get(containingType)?.get(extensionNumber), `Extension ${extensionNumber} of "${containingType}"`);
      }
      case "allExtensionNumbersOfType": {
        const type = r.value;
        if (!this.symbols.has(type)) return error(Status.NOT_FOUND, `Type "${type}" not found`);
        return answer({ case: "allExtensionNumbersResponse", value: { baseTypeName: type, extensionNumber: [...(this.extensions.get(type)?.keys() ?? [])] } });
      }
      default:
        return error(Status.UNIMPLEMENTED, "Empty or unknown reflection request");
    }
  }

  /** The handlers, for both ServerReflectionV1 and ServerReflectionV1Alpha (their messages have the same shape). */
  readonly implementation: ServiceImplementation<typeof ServerReflectionV1> & ServiceImplementation<typeof ServerReflectionV1Alpha> = {
    serverReflectionInfo: async function* (this: ReflectionService, requests: AsyncIterable<ServerReflectionRequest>) {
      for await (const request of requests) yield this.answer(request);
    }.bind(this) as never,
  };
}

/** Server reflection for `services` (and the files of `registries`, such as extensions the services do not import):
 * `server.add(ServerReflectionV1, reflection.implementation).add(ServerReflectionV1Alpha, reflection.implementation)`. */
export function createReflectionService(services: ServiceDefinition[], registries: Registry[] = []): ReflectionService {
  return new ReflectionService(services, registries);
}
