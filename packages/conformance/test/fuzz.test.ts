import { fuzzTests } from "@tsgrpc/testing";
import { properties } from "./fuzz/properties.js";

// Protobuf binary and JSON decoding, fuzzed (issue 18): see test/fuzz/properties.ts. `npm run fuzz` runs them longer.
fuzzTests(properties);
