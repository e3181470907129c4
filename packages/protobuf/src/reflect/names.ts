/**
 * The JSON name protoc gives a field: underscores dropped and the letter after each one upper-cased
 * (protoc's ToJsonName, which leaves the case of every other letter alone).
 */
export function jsonNameOf(fieldName: string): string {
  let out = "";
  let upper = false;
  for (const c of fieldName) {
    if (c === "_") upper = true;
    else if (upper) {
      out += c.toUpperCase();
      upper = false;
    } else out += c;
  }
  return out;
}

/** Property names that must not be used as-is on plain objects: they would reach the prototype. */
const RESERVED_PROPERTIES = new Set(["__proto__", "constructor", "toString", "toJSON", "valueOf", "hasOwnProperty"]);

/** The property name a field has in tsgrpc's message objects: its JSON-style camelCase name, escaped with `$` when it
 * would shadow an Object.prototype member. */
export function localNameOf(fieldName: string): string {
  const name = jsonNameOf(fieldName);
  return RESERVED_PROPERTIES.has(name) ? name + "$" : name;
}

/** The key a method has in a service's `methods` and in client and server objects: lowerCamelCase (`GetUser` ->
 * `getUser`), escaped like field names. */
export function methodLocalNameOf(methodName: string): string {
  const name = methodName.charAt(0).toLowerCase() + methodName.slice(1);
  return RESERVED_PROPERTIES.has(name) ? name + "$" : name;
}
