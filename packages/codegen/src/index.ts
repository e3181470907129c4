export { generateFile, type GeneratedFile } from "./generate-file.js";
export { type GenerateOptions, isProvided, providedModule, RUNTIME_MODULES } from "./options.js";
export { generatedFileName } from "./ts-names.js";
export { descriptorLiteralModule } from "./descriptor-literal.js";
