import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";

// @tsgrpc/grpc/web is for browsers: bundled for the browser platform it must pull in nothing from Node, and a
// bundler must be able to drop what an app does not use.
const here = fileURLToPath(new URL(".", import.meta.url));

async function bundle(contents: string): Promise<string[]> {
  const result = await build({
    stdin: { contents, resolveDir: here, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  return Object.values((result.metafile as Metafile).outputs).flatMap((output) => Object.keys(output.inputs));
}

test("@tsgrpc/grpc/web bundles for browsers with no node: module and no Node-only file of the package", async () => {
  const inputs = await bundle(`export * from "@tsgrpc/grpc/web";`);
  assert.ok(inputs.some((file) => file.endsWith("client/grpc-web-transport.js")));
  assert.ok(inputs.some((file) => file.endsWith("client/connect-transport.js")));
  // The Connect transport's compression is the Compression Streams API's, not node:zlib's (protocol/compression.js).
  assert.ok(inputs.some((file) => file.endsWith("protocol/web-compression.js")));
  assert.deepEqual(inputs.filter((file) => /^node:|\/(server|channel|client-call|propagation|compression)[^/]*\.js$/.test(file)), []);
});

test("@tsgrpc/grpc/web tree-shakes: an app that uses only Status gets neither the client nor the codec", async () => {
  const inputs = await bundle(`import { Status } from "@tsgrpc/grpc/web"; console.log(Status.NOT_FOUND);`);
  assert.deepEqual(inputs.filter((file) => /grpc-web-transport|client\.js|binary-reader|descriptor/.test(file)), []);
});
