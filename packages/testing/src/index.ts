// Test support shared by tsgrpc's packages (not published).
export * from "./fuzz-harness.js";
export * from "./raw-frame.js";
