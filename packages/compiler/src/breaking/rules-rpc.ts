/** Rules about services that are still there: their RPCs, and what each RPC takes, returns and promises. */
import type { MethodEl, ServiceEl } from "../lint/elements.js";
import { pairs, type BreakingContext } from "./context.js";
import { categories, type BreakingRule } from "./rules.js";

const methodsByName = (s: ServiceEl) => new Map(s.proto.method.map((m, i): [string, MethodEl] => [m.name!, { file: s.file, proto: m, path: [...s.path, 2, i], service: s, fullName: `${s.fullName}.${m.name!}` }]));

function methodRule(id: string, purpose: string, check: (ctx: BreakingContext, m: MethodEl, p: MethodEl, what: string) => void): BreakingRule {
  return {
    id,
    purpose,
    categories: categories("FILE PACKAGE WIRE_JSON WIRE", true),
    check(ctx) {
      for (const [s, ps] of pairs(ctx.current.services, ctx.previous.services))
        for (const [m, p] of pairs(methodsByName(s), methodsByName(ps))) check(ctx, m, p, `RPC ${JSON.stringify(m.proto.name)} on service ${JSON.stringify(s.proto.name)}`);
    },
  };
}

function sameStreaming(side: "client" | "server"): BreakingRule {
  const key = side === "client" ? "clientStreaming" : "serverStreaming";
  return methodRule(`RPC_SAME_${side.toUpperCase()}_STREAMING`, `Checks that rpcs have the same ${side} streaming value.`, (ctx, m, p, rpc) => {
    const now = m.proto[key] === true;
    if ((p.proto[key] === true) === now) return;
    const [from, to] = now ? ["unary", "streaming"] : ["streaming", "unary"];
    ctx.report(m.file, [m.path], p.file, `${rpc} changed from ${side} ${from} to ${side} ${to}.`);
  });
}

function sameType(side: "request" | "response"): BreakingRule {
  const key = side === "request" ? "inputType" : "outputType";
  return methodRule(`RPC_SAME_${side.toUpperCase()}_TYPE`, `Checks that rpcs are have the same ${side} type.`, (ctx, m, p, rpc) => {
    const name = (x: MethodEl) => (x.proto[key] ?? "").replace(/^\./, "");
    if (name(p) !== name(m)) ctx.report(m.file, [[...m.path, side === "request" ? 2 : 3]], p.file, `${rpc} changed ${side} type from ${JSON.stringify(name(p))} to ${JSON.stringify(name(m))}.`);
  });
}

const IDEMPOTENCY: Record<number, string> = { 0: "IDEMPOTENCY_UNKNOWN", 1: "NO_SIDE_EFFECTS", 2: "IDEMPOTENT" };

export const RPC_NO_DELETE: BreakingRule = {
  id: "RPC_NO_DELETE",
  purpose: "Checks that rpcs are not deleted from a given service.",
  categories: categories("FILE PACKAGE", false),
  check(ctx) {
    for (const [s, ps] of pairs(ctx.current.services, ctx.previous.services)) {
      const now = methodsByName(s);
      for (const name of methodsByName(ps).keys()) if (!now.has(name)) ctx.report(s.file, [s.path], ps.file, `Previously present RPC ${JSON.stringify(name)} on service ${JSON.stringify(s.proto.name)} was deleted.`);
    }
  },
};

export const RPC_RULES: BreakingRule[] = [
  sameStreaming("client"),
  methodRule("RPC_SAME_IDEMPOTENCY_LEVEL", "Checks that rpcs have the same value for the idempotency_level option.", (ctx, m, p, rpc) => {
    const level = (x: MethodEl) => IDEMPOTENCY[(x.proto.options?.["idempotencyLevel"] as number | undefined) ?? 0];
    if (level(p) !== level(m)) ctx.report(m.file, [[...m.path, 4, 34]], p.file, `${rpc} changed option "idempotency_level" from "${level(p)}" to "${level(m)}".`);
  }),
  sameType("request"),
  sameType("response"),
  sameStreaming("server"),
];
