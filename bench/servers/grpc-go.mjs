// grpc-go's server (servers/grpc-go/main.go) for the attack bench, built on demand against Debian's grpc-go sources:
//   apt-get install golang-go golang-google-grpc-dev
// Debian installs Go libraries as source under /usr/share/gocode/src, so the program is built in GOPATH mode
// (GO111MODULE=off, GOPATH=/usr/share/gocode, or $GRPC_GO_GOPATH) into bench/.gen/grpc-go, ignored by git, and
// rebuilt when main.go or the Go version changes. Without `go` or the sources, buildGrpcGo() says why, and callers
// skip grpc-go.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(here, "grpc-go/main.go");
const OUT = join(here, "../.gen/grpc-go");
const BINARY = join(OUT, "grpc-go-server");
const GOPATH = process.env.GRPC_GO_GOPATH ?? "/usr/share/gocode";

/** Builds the server if it is not built yet: `{ binary }`, or `{ skipped: why }`. */
export function buildGrpcGo() {
  const env = { ...process.env, GOPATH, GO111MODULE: "off", GOFLAGS: "", GOCACHE: join(OUT, "cache"), CGO_ENABLED: "0" };
  const version = spawnSync("go", ["version"], { env, encoding: "utf8" });
  if (version.error || version.status !== 0) return { skipped: "no `go` on PATH (apt-get install golang-go golang-google-grpc-dev)" };
  for (const pkg of ["google.golang.org/grpc", "github.com/golang/protobuf/proto"]) {
    if (!existsSync(join(GOPATH, "src", pkg))) return { skipped: `${pkg} is not in ${GOPATH}/src (apt-get install golang-google-grpc-dev, or set GRPC_GO_GOPATH)` };
  }
  const stamp = createHash("sha256").update(readFileSync(SOURCE)).update(version.stdout).update(GOPATH).digest("hex");
  const stampFile = join(OUT, "stamp");
  if (existsSync(BINARY) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return { binary: BINARY };
  mkdirSync(OUT, { recursive: true });
  const build = spawnSync("go", ["build", "-o", BINARY, SOURCE], { env, encoding: "utf8" });
  if (build.error || build.status !== 0) return { skipped: `go build failed: ${(build.stderr || String(build.error)).trim()}` };
  writeFileSync(stampFile, stamp);
  return { binary: BINARY };
}

/** The installed grpc-go's version, as Debian's package says (for the record), or undefined. */
export function grpcGoVersion() {
  const q = spawnSync("dpkg-query", ["-W", "-f", "${Version}", "golang-google-grpc-dev"], { encoding: "utf8" });
  return q.status === 0 ? q.stdout.trim() : undefined;
}
