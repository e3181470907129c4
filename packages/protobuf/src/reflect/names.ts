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

/** Whether a name would reach Object.prototype as a plain object's property (`__proto__`, `constructor`...). */
export function isReservedPropertyName(name: string): boolean {
  return RESERVED_PROPERTIES.has(name);
}

/**
 * The keys a service's methods have in its `methods` and in client and server objects, in the methods' order:
 * lowerCamelCase (`GetUser` -> `getUser`), escaped like field names, and `$` appended to a key taken before (a
 * service may declare both `GetUser` and `getUser`).
 */
export function methodLocalNamesOf(methodNames: readonly string[]): string[] {
  const taken = new Set<string>();
  return methodNames.map((methodName) => {
    let name = methodName.charAt(0).toLowerCase() + methodName.slice(1);
    if (RESERVED_PROPERTIES.has(name)) name += "$";
    while (taken.has(name)) name += "$";
    taken.add(name);
    return name;
  });
}
