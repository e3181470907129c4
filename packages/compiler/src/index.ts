export { Compiler, type CompileOptions } from "./compiler.js";
export { CompileError, formatDiagnostic, type Diagnostic } from "./diagnostics.js";
export { encodeDescriptorSet } from "./descriptor-set.js";
export { SourceTree, BUNDLED_PROTO_DIR } from "./source-tree.js";
export { format, type FormatResult } from "./format/index.js";
