#!/usr/bin/env node
// The `tsgrpc` command (a committed, executable shim: the compiled code is bundled into dist/bundle by `npm ci`'s prepare step).
import { main } from "../dist/bundle/main.js";

process.exitCode = await main(process.argv.slice(2));
