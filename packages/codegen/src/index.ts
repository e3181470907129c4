export { generateFile, type GeneratedFile } from "./generate-file.js";
export { generatedFileName, tsName } from "./ts-names.js";
export { descriptorLiteralModule } from "./descriptor-literal.js";
