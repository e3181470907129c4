/** RPC rules: standard request and response names, types used by one RPC only, service suffix, no streaming. */
import { toPascalCase } from "./case.js";
import { q, typeName, type MethodEl } from "./context.js";
import { both, cat, type LintRule } from "./rules.js";

const EMPTY = "google.protobuf.Empty";

function standardName(id: string, kind: "request" | "response"): LintRule {
  const Kind = kind === "request" ? "Request" : "Response";
  return {
    id,
    purpose: `Checks that RPC ${kind} type names are RPCName${Kind} or ServiceNameRPCName${Kind} (configurable).`,
    categories: both(cat.STANDARD),
    check(ctx) {
      const allowEmpty = kind === "request" ? ctx.options.rpcAllowGoogleProtobufEmptyRequests : ctx.options.rpcAllowGoogleProtobufEmptyResponses;
      for (const m of ctx.methods()) {
        const full = typeName(kind === "request" ? m.proto.inputType : m.proto.outputType);
        if (allowEmpty && full === EMPTY) continue;
        const name = full.slice(full.lastIndexOf(".") + 1);
        const one = toPascalCase(m.proto.name!) + Kind;
        const two = toPascalCase(m.service.proto.name!) + one;
        if (name !== one && name !== two) ctx.report(m.file, [...m.path, kind === "request" ? 2 : 3], `RPC ${kind} type ${q(name)} should be named ${q(one)} or ${q(two)}.`);
      }
    },
  };
}

export const RPC_RULES: LintRule[] = [
  {
    id: "RPC_REQUEST_RESPONSE_UNIQUE",
    purpose: "Checks that RPC request and response types are only used in one RPC (configurable).",
    categories: both(cat.STANDARD),
    check(ctx) {
      const o = ctx.options;
      const methods = ctx.methods();
      if (!o.rpcAllowSameRequestResponse)
        for (const m of methods) {
          const input = typeName(m.proto.inputType);
          if (input !== typeName(m.proto.outputType)) continue;
          if (input === EMPTY && o.rpcAllowGoogleProtobufEmptyRequests && o.rpcAllowGoogleProtobufEmptyResponses) continue;
          ctx.report(m.file, m.path, `RPC ${q(m.proto.name!)} has the same type ${q(input)} for the request and response.`);
        }
      // Each type with the RPCs (by full name) that use it, as request or response.
      const users = new Map<string, Map<string, MethodEl>>();
      for (const m of methods)
        for (const t of [typeName(m.proto.inputType), typeName(m.proto.outputType)]) {
          const byName = users.get(t) ?? new Map<string, MethodEl>();
          byName.set(m.fullName, m);
          users.set(t, byName);
        }
      for (const [type, byName] of users) {
        if (byName.size === 1) continue;
        const list = [...byName.values()];
        if (type === EMPTY && (o.rpcAllowGoogleProtobufEmptyRequests || o.rpcAllowGoogleProtobufEmptyResponses)) {
          if (o.rpcAllowGoogleProtobufEmptyRequests && o.rpcAllowGoogleProtobufEmptyResponses) continue;
          const requests = list.filter((m) => typeName(m.proto.inputType) === EMPTY);
          const responses = list.filter((m) => typeName(m.proto.outputType) === EMPTY);
          if (!o.rpcAllowGoogleProtobufEmptyRequests && requests.length > 1) for (const m of requests) ctx.report(m.file, m.path, `${q(type)} is used as the request for multiple RPCs.`);
          if (!o.rpcAllowGoogleProtobufEmptyResponses && responses.length > 1) for (const m of responses) ctx.report(m.file, m.path, `${q(type)} is used as the response for multiple RPCs.`);
        } else {
          for (const m of list) ctx.report(m.file, m.path, `${q(type)} is used as the request or response type for multiple RPCs.`);
        }
      }
    },
  },
  standardName("RPC_REQUEST_STANDARD_NAME", "request"),
  standardName("RPC_RESPONSE_STANDARD_NAME", "response"),
  {
    id: "SERVICE_SUFFIX",
    purpose: `Checks that services have a consistent suffix (configurable, default suffix is "Service").`,
    categories: both(cat.STANDARD),
    check(ctx) {
      const suffix = ctx.options.serviceSuffix;
      for (const s of ctx.services())
        if (!s.proto.name!.endsWith(suffix)) ctx.report(s.file, [...s.path, 1], `Service name ${q(s.proto.name!)} should be suffixed with ${q(suffix)}.`);
    },
  },
  {
    id: "RPC_NO_CLIENT_STREAMING",
    purpose: "Checks that RPCs are not client streaming.",
    categories: both(cat.UNARY_RPC),
    check(ctx) {
      for (const m of ctx.methods()) if (m.proto.clientStreaming) ctx.report(m.file, m.path, `RPC ${q(m.proto.name!)} is client streaming.`);
    },
  },
  {
    id: "RPC_NO_SERVER_STREAMING",
    purpose: "Checks that RPCs are not server streaming.",
    categories: both(cat.UNARY_RPC),
    check(ctx) {
      for (const m of ctx.methods()) if (m.proto.serverStreaming) ctx.report(m.file, m.path, `RPC ${q(m.proto.name!)} is server streaming.`);
    },
  },
];
