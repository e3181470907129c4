export { parseProtocArgs, compileFiles } from "./compile-command.js";
