import { fuzzTests } from "@tsgrpc/testing";
import { properties } from "./fuzz/properties.js";

// HPACK, frames and connections fed raw bytes, fuzzed (issue 18): see test/fuzz/properties.ts. `npm run fuzz` runs them longer.
fuzzTests(properties);

import { test } from "node:test";
import assert from "node:assert/strict";
import { requestHeaders, trailerHeaders } from "../src/request-headers.js";

test('a peer\'s fields named "__proto__" or "constructor" are own properties of a plain object (fuzz: http2-header-fields)', () => {
  const h = requestHeaders([":method", "POST", ":scheme", "http", ":path", "/a", ":authority", "x", "__proto__", "p", "constructor", "a", "constructor", "b"], 1);
  assert.equal(Object.getPrototypeOf(h), Object.prototype);
  assert.deepStrictEqual(Object.keys(h), [":method", ":scheme", ":path", ":authority", "__proto__", "constructor"]);
  assert.equal(Object.getOwnPropertyDescriptor(h, "__proto__")?.value, "p");
  assert.deepStrictEqual(h["constructor"], ["a", "b"]);
  const t = trailerHeaders(["__proto__", "1", "__proto__", "2"], 1);
  assert.equal(Object.getPrototypeOf(t), Object.prototype);
  assert.deepStrictEqual(Object.getOwnPropertyDescriptor(t, "__proto__")?.value, ["1", "2"]);
});
