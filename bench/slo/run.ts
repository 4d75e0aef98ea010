/**
 * bench/slo: our SLO upload path against `swift upload --use-slo` (Debian's
 * python3-swiftclient) and a single `curl -T` PUT of the same file, on the same Swift, in one
 * run, alternating the order per repetition. Prints medians (MiB/s), the two ratios and our
 * peak RSS per size. It is a measurement, not a test: nothing here passes or fails on time.
 *
 *   node --import tsx bench/slo/run.ts [--sizes 64,256,1024] [--reps 3] [--concurrency 4]
 *                                      [--segment-mib 10] [--keep-files]
 *
 * Uses the Swift test backend (test/swift/backend.ts: the loopback Swift, or DRPLANE_TEST_*),
 * with tempauth for all three contenders.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { closeAllAgents } from "../../provider/core/http";
import type { SwiftConnection } from "../../provider/vendors/swift/auth";
import { SwiftClient } from "../../provider/vendors/swift/client";
import { ensureContainer, removeContainer } from "../../provider/vendors/swift/containers";
import { deleteObject } from "../../provider/vendors/swift/objects";
import { deleteSlo } from "../../provider/vendors/swift/slo-manifest";
import { ensureSwiftBackend } from "../../test/swift/backend";

const MIB = 1024 * 1024;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const SIZES_MIB = arg("sizes", "64,256,1024").split(",").map(Number);
const REPS = Number(arg("reps", "3"));
const CONCURRENCY = Number(arg("concurrency", "4"));
const SEGMENT = Number(arg("segment-mib", "10")) * MIB;
/** The baseline: swift upload --use-slo -S 8MiB --segment-threads 10. */
const SWIFT_SEGMENT = 8 * MIB;
const KEEP = process.argv.includes("--keep-files");
const DIR = path.join(tmpdir(), "drplane-bench-slo");

type Tool = "ours" | "known" | "swift" | "curl";
interface Sample {
  seconds: number;
  fingerprintSeconds?: number;
  wall: number;
  maxRssKiB?: number;
  cpuSeconds?: number;
}

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

async function makeFile(sizeMiB: number): Promise<string> {
  mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, `random-${sizeMiB}MiB.bin`);
  if (existsSync(file) && statSync(file).size === sizeMiB * MIB) return file;
  const out = createWriteStream(file);
  for (let i = 0; i < sizeMiB; i++) {
    if (!out.write(randomBytes(MIB))) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return file;
}

/** Environment without OpenStack/Swift CLI settings that would change what `swift` does. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(OS_|ST_)/.test(k)) env[k] = v;
  return env;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const env = await ensureSwiftBackend();
  process.env.DRPLANE_BENCH_PASSWORD = env.tempauth.key;
  const connection: SwiftConnection = {
    authUrl: env.tempauth.authUrl,
    authType: "tempauth",
    profile: "bench",
    username: env.tempauth.user,
  };
  const client = new SwiftClient(connection);
  const token = await client.withToken(async (t) => t);
  const container = `drplane-bench-${randomBytes(3).toString("hex")}`;
  await ensureContainer(client, { name: container });
  console.log(
    `bench/slo: Swift ${token.storageUrl} (tempauth); ours: ${CONCURRENCY} parallel ${SEGMENT / MIB} MiB segments, MD5 per segment; ` +
      `swift upload --use-slo -S ${SWIFT_SEGMENT} --segment-threads 10; curl -T single PUT; ${REPS} repetitions, median`,
  );
  const results = new Map<number, Map<Tool, Sample[]>>();
  try {
    for (const sizeMiB of SIZES_MIB) {
      const file = await makeFile(sizeMiB);
      const bySize = new Map<Tool, Sample[]>([
        ["ours", []],
        ["known", []],
        ["swift", []],
        ["curl", []],
      ]);
      results.set(sizeMiB, bySize);
      for (let rep = 0; rep < REPS; rep++) {
        const order: Tool[] = (["ours", "swift", "known", "curl"] as Tool[]).map(
          (_, i, a) => a[(i + rep) % a.length]!,
        );
        for (const tool of order) {
          const name = `${tool}-${sizeMiB}-${rep}.bin`;
          const sample = await measure(tool, { connection, container, name, file, token, env });
          bySize.get(tool)!.push(sample);
          process.stderr.write(
            `  ${sizeMiB} MiB rep ${rep + 1} ${tool}: ${sample.seconds.toFixed(2)} s` +
              (sample.maxRssKiB
                ? `, peak RSS ${(sample.maxRssKiB / 1024).toFixed(0)} MiB, CPU ${sample.cpuSeconds!.toFixed(2)} s`
                : "") +
              "\n",
          );
          if (tool === "curl") await deleteObject(client, container, name);
          else
            await deleteSlo(client, {
              container,
              name,
              ...(tool === "swift" ? {} : { segmentContainer: `${container}_segments` }),
            });
        }
      }
    }
  } finally {
    await removeContainer(client, container, { forceDestroy: true }).catch(() => undefined);
    await removeContainer(client, `${container}_segments`, { forceDestroy: true }).catch(() => undefined);
    await closeAllAgents();
    if (!KEEP) rmSync(DIR, { recursive: true, force: true });
  }
  report(results);
}

async function measure(
  tool: Tool,
  c: {
    connection: SwiftConnection;
    container: string;
    name: string;
    file: string;
    token: { token: string; storageUrl: string };
    env: Awaited<ReturnType<typeof ensureSwiftBackend>>;
  },
): Promise<Sample> {
  if (tool === "ours" || tool === "known") {
    const child = await run(process.execPath, ["--import", "tsx", path.join(__dirname, "upload-child.ts")], {
      ...process.env,
      DRPLANE_BENCH_CHILD: JSON.stringify({
        connection: c.connection,
        container: c.container,
        name: c.name,
        file: c.file,
        segmentSize: SEGMENT,
        concurrency: CONCURRENCY,
        mode: tool === "ours" ? "stream" : "known",
      }),
    });
    const r = JSON.parse(child.out.trim().split("\n").pop()!) as {
      seconds: number;
      fingerprintSeconds: number;
      maxRssKiB: number;
      cpuSeconds: number;
    };
    return {
      seconds: r.seconds,
      fingerprintSeconds: r.fingerprintSeconds,
      wall: child.wall,
      maxRssKiB: r.maxRssKiB,
      cpuSeconds: r.cpuSeconds,
    };
  }
  if (tool === "swift") {
    const r = await run(
      "swift",
      [
        "-V",
        "1",
        "-A",
        c.env.tempauth.authUrl,
        "-U",
        c.env.tempauth.user,
        "-K",
        c.env.tempauth.key,
        "upload",
        "--use-slo",
        "-S",
        String(SWIFT_SEGMENT),
        "--segment-threads",
        "10",
        "--object-name",
        c.name,
        c.container,
        c.file,
      ],
      cleanEnv(),
    );
    return { seconds: r.wall, wall: r.wall };
  }
  const url = `${c.token.storageUrl}/${c.container}/${c.name}`;
  const r = await run(
    "curl",
    ["-sS", "--fail", "-o", "/dev/null", "-T", c.file, "-H", `X-Auth-Token: ${c.token.token}`, url],
    cleanEnv(),
  );
  return { seconds: r.wall, wall: r.wall };
}

function report(results: Map<number, Map<Tool, Sample[]>>): void {
  const rate = (sizeMiB: number, s: number) => (sizeMiB / s).toFixed(1);
  const col = (v: string, w: number) => v.padStart(w);
  console.log("");
  console.log(
    "size     | ours MiB/s | swift MiB/s | curl -T MiB/s | ours/swift | ours/curl | ours peak RSS | ours CPU s | known-MD5 upload MiB/s (+ fingerprint s)",
  );
  console.log(
    "-------- | ---------- | ----------- | ------------- | ---------- | --------- | ------------- | ---------- | ----------------------------------------",
  );
  const rss = new Map<number, number>();
  for (const [sizeMiB, byTool] of results) {
    const med = (t: Tool, f: (s: Sample) => number = (s) => s.seconds) => median(byTool.get(t)!.map(f));
    const ours = med("ours");
    const swift = med("swift");
    const curl = med("curl");
    const known = med("known");
    const fingerprint = med("known", (s) => s.fingerprintSeconds ?? 0);
    const peak =
      Math.max(...[...byTool.get("ours")!, ...byTool.get("known")!].map((s) => s.maxRssKiB ?? 0)) / 1024;
    rss.set(sizeMiB, peak);
    console.log(
      [
        `${col(String(sizeMiB), 4)} MiB`,
        col(rate(sizeMiB, ours), 10),
        col(rate(sizeMiB, swift), 11),
        col(rate(sizeMiB, curl), 13),
        col((swift / ours).toFixed(2), 10),
        col((curl / ours).toFixed(2), 9),
        `${col(peak.toFixed(0), 9)} MiB`,
        col(med("ours", (s) => s.cpuSeconds ?? 0).toFixed(2), 10),
        `${col(rate(sizeMiB, known), 22)} (+ ${fingerprint.toFixed(2)} s)`,
      ].join(" | "),
    );
  }
  console.log("");
  console.log(
    "ours: uploadSlo with MD5 computed while streaming, timed in-process (login, segments, manifest, old-segment cleanup).",
  );
  console.log(
    "known-MD5: the SloObject handler's path after check fingerprinted a changed file: MD5s sent as ETags, no second hash.",
  );
  console.log("swift and curl: wall time of the command (swift includes Python start-up and auth, ~0.3 s).");
  console.log("targets: ours/swift >= 1.5; ours/curl >= 0.8; peak RSS(1 GiB) - peak RSS(64 MiB) <= 64 MB.");
  const small = rss.get(64);
  const large = rss.get(1024);
  if (small !== undefined && large !== undefined)
    console.log(
      `peak RSS: 64 MiB file ${small.toFixed(0)} MiB, 1 GiB file ${large.toFixed(0)} MiB, difference ${(large - small).toFixed(0)} MiB`,
    );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
