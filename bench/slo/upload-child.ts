/**
 * One SloObject upload (vendors/swift/slo, the path the SloObject handler runs) in a fresh
 * process, so its peak RSS is its own. Prints one JSON line: seconds (login + upload +
 * manifest + cleanup, timed in-process), the fingerprint time in "known" mode (what check
 * spends hashing a changed file), the plan used, peak RSS and CPU time. Args in
 * DRPLANE_BENCH_CHILD; without segmentSize/concurrency the upload plans them (slo-plan).
 */
import { SwiftClient } from "../../provider/vendors/swift/client";
import { fileSloDigest } from "../../provider/vendors/swift/hashing";
import { uploadSlo } from "../../provider/vendors/swift/slo";
import { planSlo } from "../../provider/vendors/swift/slo-plan";
import type { SwiftConnection } from "../../provider/vendors/swift/auth";
import { statSync } from "node:fs";

interface Args {
  connection: SwiftConnection;
  container: string;
  name: string;
  file: string;
  segmentSize?: number;
  concurrency?: number;
  /** "stream": MD5 computed while uploading; "known": MD5s computed first (as check does), then sent as ETags. */
  mode: "stream" | "known";
}

async function main(): Promise<void> {
  const a = JSON.parse(process.env.DRPLANE_BENCH_CHILD ?? "{}") as Args;
  const cpu0 = process.cpuUsage();
  const client = new SwiftClient(a.connection);
  let fingerprintSeconds = 0;
  let segmentMd5s: string[] | undefined;
  if (a.mode === "known") {
    // As the handler does: check plans and hashes, then the upload uses that plan.
    const plan = planSlo({ size: statSync(a.file).size, segmentSize: a.segmentSize }, await client.info());
    const t0 = performance.now();
    segmentMd5s = (await fileSloDigest(a.file, plan.segmentSize)).segmentMd5s;
    fingerprintSeconds = (performance.now() - t0) / 1000;
  }
  const started = performance.now();
  const r = await uploadSlo(client, {
    ...(segmentMd5s ? { segmentMd5s } : {}),
    container: a.container,
    name: a.name,
    file: a.file,
    ...(a.segmentSize !== undefined ? { segmentSize: a.segmentSize } : {}),
    ...(a.concurrency !== undefined ? { concurrency: a.concurrency } : {}),
    segmentContainer: `${a.container}_segments`,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const usage = process.resourceUsage();
  process.stdout.write(
    JSON.stringify({
      seconds,
      fingerprintSeconds,
      segmentSize: r.segmentSize,
      concurrency: r.concurrency,
      maxRssKiB: usage.maxRSS,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    }) + "\n",
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
