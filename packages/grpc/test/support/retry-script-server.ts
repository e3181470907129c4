#!/usr/bin/env node
// The scripted server of scripted-server.ts in a process of its own, for comparing clients that run in this one:
//   node retry-script-server.js        prints {"port":N} once listening on 127.0.0.1; SIGTERM ends it.
// Each call carries its script in request metadata: `x-call` names the call, `x-script` is a JSON array of
// AttemptScripts, one per attempt in the order attempts arrive (attempts past the script get OK).
// GET /attempts/CALL answers the attempts the server saw as JSON.
import { ScriptedServer, type AttemptScript } from "./scripted-server.js";

const server = new ScriptedServer((_call, attempt, headers) => (JSON.parse(String(headers["x-script"] ?? "[]")) as AttemptScript[])[attempt] ?? {});
console.log(JSON.stringify({ port: await server.listen() }));
process.once("SIGTERM", () => process.exit(0));
