import type { EnumInfo } from "@tsgrpc/protobuf";
import { isReservedPropertyName } from "@tsgrpc/protobuf/codegen-support";

/**
 * The member names of a generated enum, by value index. Values that all start with the enum's name in
 * SCREAMING_SNAKE_CASE lose that prefix, as protobuf-es strips it (`Condition.CONDITION_NEW` -> `Condition.NEW`),
 * unless a short name would be empty, start with a digit, or be taken twice (then every value keeps its full name).
 */
export function enumMemberNames(e: EnumInfo): string[] {
  const names = e.proto.value.map((v) => v.name!);
  const prefix = snakePrefix(e.proto.name!);
  const short = names.map((n) => (n.toLowerCase().startsWith(prefix) ? n.slice(prefix.length) : undefined));
  const strip = short.every((s) => s !== undefined && s.length > 0 && !/^[0-9]/.test(s)) && new Set(short).size === short.length;
  return (strip ? (short as string[]) : names).map((n) => (isReservedPropertyName(n) ? n + "$" : n));
}

/** `Condition` -> `condition_`, `HTTPMethod` -> `h_t_t_p_method_` (lower case; protobuf-es's camelToSnakeCase). */
function snakePrefix(enumName: string): string {
  return (enumName.charAt(0) + enumName.slice(1).replace(/[A-Z]/g, (c) => "_" + c)).toLowerCase() + "_";
}
