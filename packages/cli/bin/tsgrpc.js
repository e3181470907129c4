#!/usr/bin/env node
// The `tsgrpc` command (a committed, executable shim: the compiled code in dist/ is built by `npm ci`'s prepare step).
import { main } from "../dist/src/main.js";

process.exitCode = await main(process.argv.slice(2));
