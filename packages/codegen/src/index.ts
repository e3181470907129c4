export { generateFile, writeFileBody, type GeneratedFile, type GeneratedHead } from "./generate-file.js";
export { type GenerateOptions, isProvided, providedModule, RUNTIME_MODULES } from "./options.js";
export { generatedFileName } from "./ts-names.js";
export { descriptorLiteralModule } from "./descriptor-literal.js";
