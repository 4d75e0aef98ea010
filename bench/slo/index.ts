/**
 * bench/slo: our SLO upload against python-swiftclient (`swift upload --use-slo`), the
 * segmented ceiling (the same segments PUT by parallel `curl -T`, no MD5) and a single
 * `curl -T` PUT of the same file, on the same Swift, in one run, rotating the order per
 * repetition. Prints medians (MiB/s), the ratios, the plan and our peak RSS per size. A
 * measurement, not a test: nothing here passes or fails on time.
 *
 *   npm run bench -- slo [--sizes 64,256,1024] [--reps 3] [--segment-mib N] [--concurrency N]
 *                        [--tools ours,swift,ceiling,known,curl] [--keep-files]
 *
 * Without --segment-mib/--concurrency ours uses its defaults (slo-plan, from the size and the
 * cluster's /info). Uses the Swift test backend (test/swift/backend.ts: the loopback Swift, or
 * DRPLANE_TEST_*), with tempauth for every contender.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { closeAllAgents } from "../../provider/core/http";
import type { SwiftConnection } from "../../provider/vendors/swift/auth";
import { deletePaths, listObjects } from "../../provider/vendors/swift/bulk";
import { SwiftClient } from "../../provider/vendors/swift/client";
import { ensureContainer, removeContainer } from "../../provider/vendors/swift/containers";
import { deleteObject } from "../../provider/vendors/swift/objects";
import { deleteSlo } from "../../provider/vendors/swift/slo-manifest";
import { planSlo } from "../../provider/vendors/swift/slo-plan";
import { ensureSwiftBackend } from "../../test/swift/backend";
import { measure, SWIFT_SEGMENT, TOOLS, type Sample, type Target, type Tool } from "./contenders";
import { pauseLoopbackUpdater } from "./quiet";
import { report } from "./report";

const MIB = 1024 * 1024;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : undefined;
}

const SIZES_MIB = (arg("sizes") ?? "64,256,1024").split(",").map(Number);
const REPS = Number(arg("reps") ?? "3");
const SEGMENT = arg("segment-mib") ? Number(arg("segment-mib")) * MIB : undefined;
const CONCURRENCY = arg("concurrency") ? Number(arg("concurrency")) : undefined;
const ONLY = (arg("tools")?.split(",") as Tool[] | undefined) ?? TOOLS;
const KEEP = process.argv.includes("--keep-files");
const DIR = path.join(tmpdir(), "drplane-bench-slo");

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

async function main(): Promise<void> {
  const env = await ensureSwiftBackend();
  const quiet = pauseLoopbackUpdater(env);
  process.env.DRPLANE_BENCH_PASSWORD = env.tempauth.key;
  const connection: SwiftConnection = {
    authUrl: env.tempauth.authUrl,
    authType: "tempauth",
    profile: "bench",
    username: env.tempauth.user,
  };
  const client = new SwiftClient(connection);
  const token = await client.withToken(async (t) => t);
  const info = await client.info();
  const container = `drplane-bench-${randomBytes(3).toString("hex")}`;
  const segments = `${container}_segments`;
  await ensureContainer(client, { name: container });
  // The ceiling PUTs into the segment container; it may run before ours has created it.
  await ensureContainer(client, { name: segments });
  console.log(
    `bench/slo: Swift ${token.storageUrl} (tempauth); ours: ${SEGMENT ? `${SEGMENT / MIB} MiB segments` : "default segments"}, ` +
      `${CONCURRENCY ?? "default"} in flight, MD5 per segment; swift upload --use-slo -S ${SWIFT_SEGMENT} --segment-threads 10; ` +
      `ceiling: the same segments by parallel curl -T; curl -T single PUT; ${REPS} repetitions, median; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}${quiet.said}`,
  );
  const results = new Map<number, { plan: ReturnType<typeof planSlo>; samples: Map<Tool, Sample[]> }>();
  try {
    for (const sizeMiB of SIZES_MIB) {
      const file = await makeFile(sizeMiB);
      const explicit = {
        ...(SEGMENT ? { segmentSize: SEGMENT } : {}),
        ...(CONCURRENCY ? { concurrency: CONCURRENCY } : {}),
      };
      const plan = planSlo({ size: sizeMiB * MIB, ...explicit }, info);
      const samples = new Map<Tool, Sample[]>(ONLY.map((t) => [t, []]));
      results.set(sizeMiB, { plan, samples });
      for (let rep = 0; rep < REPS; rep++) {
        const order = ONLY.map((_, i, a) => a[(i + rep) % a.length]!);
        for (const tool of order) {
          const name = `${tool}-${sizeMiB}-${rep}.bin`;
          const target: Target = {
            connection,
            tempauth: env.tempauth,
            token,
            container,
            name,
            file,
            plan,
            explicit,
            workDir: DIR,
          };
          const sample = await measure(tool, target);
          samples.get(tool)!.push(sample);
          process.stderr.write(
            `  ${sizeMiB} MiB rep ${rep + 1} ${tool}: ${sample.seconds.toFixed(2)} s` +
              (sample.maxRssKiB
                ? `, peak RSS ${(sample.maxRssKiB / 1024).toFixed(0)} MiB, CPU ${sample.cpuSeconds!.toFixed(2)} s`
                : "") +
              `; load ${loadavg()[0]!.toFixed(1)}\n`,
          );
          if (tool === "curl") await deleteObject(client, container, name);
          else if (tool === "ceiling") await sweepCeiling(client, segments, name);
          else
            await deleteSlo(client, {
              container,
              name,
              ...(tool === "swift" ? {} : { segmentContainer: segments }),
            });
        }
      }
    }
  } finally {
    quiet.resume();
    await removeContainer(client, container, { forceDestroy: true }).catch(() => undefined);
    await removeContainer(client, segments, { forceDestroy: true }).catch(() => undefined);
    await closeAllAgents();
    if (!KEEP) rmSync(DIR, { recursive: true, force: true });
  }
  report(results, loadavg());
}

/** The ceiling's segments are plain objects under `<name>/`. */
async function sweepCeiling(client: SwiftClient, segments: string, name: string): Promise<void> {
  const paths = (await listObjects(client, segments, { prefix: `${name}/` })).map(
    (e) => `/${segments}/${e.name}`,
  );
  await deletePaths(client, paths, "bench ceiling segments");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
