import { fuzzTests } from "@tsgrpc/testing";
import { properties } from "./fuzz/properties.js";

// The .proto tokenizer, parser and compiler, and text format, fuzzed (issue 18): see test/fuzz/properties.ts.
// `npm run fuzz` runs them longer.
fuzzTests(properties);
