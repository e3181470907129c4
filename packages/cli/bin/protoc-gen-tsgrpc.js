#!/usr/bin/env node
// protoc-gen-tsgrpc: protoc's plugin protocol on stdin and stdout (see src/protoc-plugin.ts).
import { readFileSync } from "node:fs";
import { runPlugin } from "../dist/bundle/protoc-plugin.js";

process.stdout.write(runPlugin(readFileSync(0)));
