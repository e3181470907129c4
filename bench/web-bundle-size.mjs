// The size a browser downloads for gRPC-Web: the same small app (one unary call, one server-streaming call of the
// UserService) built with tsgrpc's browser client and with connect-web + @bufbuild/protobuf, each with its own
// generated code, bundled and minified by esbuild in one run. Writes results/web-bundle-size.md.
//   npm run bench:web-size          (needs protoc and a built project: npm run build)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build, version as esbuildVersion } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "tsgrpc-web-size-"));

// connect-web's generated code, as its users make it: protoc with protoc-gen-es.
execFileSync("protoc", [
  `--plugin=protoc-gen-es=${join(root, "node_modules/.bin/protoc-gen-es")}`,
  `--es_out=${work}`,
  "--es_opt=target=js",
  `-I${join(root, "examples/user-service")}`,
  "user_service.proto",
]);

// The app: what a page that shows one user and a live list needs.
const app = (client) => `
${client}
const user = await client.getUser({ id: 1 });
document.title = user.user.username;
for await (const u of client.watchUsers({})) document.body.append(u.username);
`;

const apps = {
  "tsgrpc (@tsgrpc/grpc/web)": app(`
import { createClient, createGrpcWebTransport } from "@tsgrpc/grpc/web";
import { UserService } from ${JSON.stringify(join(root, "examples/user-service/dist/src/gen/user_service_pb.js"))};
const client = createClient(UserService, createGrpcWebTransport({ baseUrl: "" }));`),
  "connect-web + @bufbuild/protobuf (gRPC-Web)": app(`
import { createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { UserService } from ${JSON.stringify(join(work, "user_service_pb.js"))};
const client = createClient(UserService, createGrpcWebTransport({ baseUrl: "" }));`),
};

const rows = [];
try {
  for (const [name, contents] of Object.entries(apps)) {
    const result = await build({
      stdin: { contents, resolveDir: root, loader: "js" },
      nodePaths: [join(root, "node_modules")],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      write: false,
      metafile: true,
      logLevel: "error",
    });
    const code = result.outputFiles[0].contents;
    const inputs = Object.values(result.metafile.outputs).flatMap((output) => Object.entries(output.inputs));
    const bytesFrom = (pattern) => inputs.filter(([file]) => pattern.test(file)).reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    rows.push({
      name,
      minified: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
      brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      generated: bytesFrom(/user_service_pb\.js$/),
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const [ours, theirs] = rows;
const table = [
  "| client | minified | gzip -9 | brotli 11 | of which generated code (minified) |",
  "|---|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.name} | ${kb(r.minified)} | ${kb(r.gzip)} | ${kb(r.brotli)} | ${kb(r.generated)} |`),
].join("\n");
const report = `# gRPC-Web bundle size

One app (GetUser, then WatchUsers into the page) built with each browser client and its own generated code for
\`user_service.proto\`; esbuild ${esbuildVersion}, \`--bundle --minify --format=esm --platform=browser --target=es2022\`,
in one run of \`npm run bench:web-size\` on ${new Date().toISOString().slice(0, 10)}.

${table}

gzip: tsgrpc is ${(ours.gzip / theirs.gzip).toFixed(2)}x the size of connect-web + @bufbuild/protobuf.
`;
writeFileSync(join(root, "bench/results/web-bundle-size.md"), report);
console.log(report);
