/**
 * The contenders of bench/slo, each uploading the same file to the same Swift and timed the
 * same way every repetition: ours (uploadSlo in a fresh process), known-MD5 (the handler's
 * path after check hashed a changed file), python-swiftclient, the segmented ceiling (our
 * plan's segments PUT by parallel `curl -T`, no MD5, no manifest) and one `curl -T` PUT.
 */
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import type { SwiftConnection } from "../../provider/vendors/swift/auth";
import type { SloPlan } from "../../provider/vendors/swift/slo-plan";

export type Tool = "ours" | "known" | "swift" | "ceiling" | "curl";
export const TOOLS: Tool[] = ["ours", "swift", "ceiling", "known", "curl"];

export interface Sample {
  seconds: number;
  /** known-MD5 only: what check spends hashing the file first. */
  fingerprintSeconds?: number;
  maxRssKiB?: number;
  cpuSeconds?: number;
  /** ours/known: the plan the upload used. */
  segmentSize?: number;
  concurrency?: number;
}

export interface Target {
  connection: SwiftConnection;
  tempauth: { authUrl: string; user: string; key: string };
  token: { token: string; storageUrl: string };
  container: string;
  name: string;
  file: string;
  /** The plan of ours, also the ceiling's segments. */
  plan: SloPlan;
  /** Passed to ours only when given on the command line (else ours plans by itself). */
  explicit: { segmentSize?: number; concurrency?: number };
  /** Where the ceiling's segment files are cut to (once per file and segment size). */
  workDir: string;
}

/** python-swiftclient's segment size in the baseline (-S 8MiB --segment-threads 10). */
export const SWIFT_SEGMENT = 8 * 1024 * 1024;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ out: string; wall: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const wall = (performance.now() - t0) / 1000;
      if (code === 0) resolve({ out, wall });
      else reject(new Error(`${cmd} ${args.slice(0, 3).join(" ")}… exited ${code}: ${err.slice(-500)}`));
    });
  });
}

/** Environment without OpenStack/Swift CLI settings that would change what `swift` does. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(OS_|ST_)/.test(k)) env[k] = v;
  return env;
}

export async function measure(tool: Tool, t: Target): Promise<Sample> {
  switch (tool) {
    case "ours":
    case "known":
      return ours(tool, t);
    case "swift":
      return swiftCli(t);
    case "ceiling":
      return ceiling(t);
    case "curl":
      return singlePut(t);
  }
}

async function ours(tool: "ours" | "known", t: Target): Promise<Sample> {
  const child = await run(process.execPath, ["--import", "tsx", path.join(__dirname, "upload-child.ts")], {
    ...process.env,
    DRPLANE_BENCH_CHILD: JSON.stringify({
      connection: t.connection,
      container: t.container,
      name: t.name,
      file: t.file,
      ...t.explicit,
      mode: tool === "ours" ? "stream" : "known",
    }),
  });
  return JSON.parse(child.out.trim().split("\n").pop()!) as Sample;
}

async function swiftCli(t: Target): Promise<Sample> {
  const r = await run(
    "swift",
    [
      ...["-V", "1", "-A", t.tempauth.authUrl, "-U", t.tempauth.user, "-K", t.tempauth.key],
      ...["upload", "--use-slo", "-S", String(SWIFT_SEGMENT), "--segment-threads", "10"],
      ...["--object-name", t.name, t.container, t.file],
    ],
    cleanEnv(),
  );
  return { seconds: r.wall };
}

async function singlePut(t: Target): Promise<Sample> {
  const url = `${t.token.storageUrl}/${t.container}/${t.name}`;
  const r = await run(
    "curl",
    ["-sS", "--fail", "-o", "/dev/null", "-T", t.file, "-H", `X-Auth-Token: ${t.token.token}`, url],
    cleanEnv(),
  );
  return { seconds: r.wall };
}

/** The segment files of `file` at the plan's segment size, cut once (not timed). */
async function segmentFiles(t: Target): Promise<string[]> {
  const { segmentSize, segmentCount } = t.plan;
  const dir = path.join(t.workDir, `${path.basename(t.file)}.${segmentSize}`);
  mkdirSync(dir, { recursive: true });
  const size = statSync(t.file).size;
  const files: string[] = [];
  for (let i = 0; i < segmentCount; i++) {
    const f = path.join(dir, String(i).padStart(8, "0"));
    const length = Math.min(segmentSize, size - i * segmentSize);
    if (!existsSync(f) || statSync(f).size !== length)
      await pipeline(
        createReadStream(t.file, { start: i * segmentSize, end: i * segmentSize + length - 1 }),
        createWriteStream(f),
      );
    files.push(f);
  }
  return files;
}

/**
 * The segmented ceiling: the plan's segments PUT to `<container>_segments` by as many
 * parallel `curl -T` processes as the plan has segment PUTs in flight, each sending its share
 * over one connection; no MD5, no manifest. Wall time of all of them.
 */
async function ceiling(t: Target): Promise<Sample> {
  const files = await segmentFiles(t);
  const workers = Math.max(1, t.plan.concurrency);
  const base = `${t.token.storageUrl}/${t.container}_segments/${t.name}/`;
  const t0 = performance.now();
  await Promise.all(
    [...Array(workers).keys()].map((w) => {
      const args = ["-sS", "--fail", "-H", `X-Auth-Token: ${t.token.token}`];
      files.forEach((f, i) => {
        if (i % workers === w) args.push("-o", "/dev/null", "-T", f, `${base}${path.basename(f)}`);
      });
      return run("curl", args, cleanEnv());
    }),
  );
  return { seconds: (performance.now() - t0) / 1000 };
}
