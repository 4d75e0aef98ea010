/**
 * The table bench/slo prints: per size, the plan ours used, the median MiB/s of each
 * contender, the time ratios against python-swiftclient, the segmented ceiling and the single
 * PUT (> 1 means ours is faster), our peak RSS and CPU, and the known-MD5 path.
 */
import type { SloPlan } from "../../provider/vendors/swift/slo-plan";
import type { Sample, Tool } from "./contenders";

const MIB = 1024 * 1024;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export function report(
  results: Map<number, { plan: SloPlan; samples: Map<Tool, Sample[]> }>,
  load: number[],
): void {
  const rows: string[][] = [
    [
      "size",
      "plan (ours)",
      "ours MiB/s",
      "swift",
      "ceiling",
      "curl -T",
      "ours/swift",
      "ours/ceiling",
      "ours/curl",
      "ours peak RSS",
      "ours CPU s",
      "known-MD5 MiB/s (+ fingerprint s)",
    ],
  ];
  const rss = new Map<number, number>();
  for (const [sizeMiB, { plan, samples }] of results) {
    const med = (t: Tool, f: (s: Sample) => number = (s) => s.seconds) => {
      const xs = samples.get(t);
      return xs?.length ? median(xs.map(f)) : undefined;
    };
    const rate = (s: number | undefined) => (s === undefined ? "-" : (sizeMiB / s).toFixed(1));
    const ratio = (other: number | undefined, ours: number | undefined) =>
      other === undefined || ours === undefined ? "-" : (other / ours).toFixed(2);
    const ours = med("ours");
    const known = med("known");
    const ourSamples = [...(samples.get("ours") ?? []), ...(samples.get("known") ?? [])];
    const peak = Math.max(0, ...ourSamples.map((s) => s.maxRssKiB ?? 0)) / 1024;
    if (ourSamples.length) rss.set(sizeMiB, peak);
    const used = samples.get("ours")?.[0] ?? plan;
    rows.push([
      `${sizeMiB} MiB`,
      `${(used.segmentSize ?? plan.segmentSize) / MIB} MiB × ${used.concurrency ?? plan.concurrency}`,
      rate(ours),
      rate(med("swift")),
      rate(med("ceiling")),
      rate(med("curl")),
      ratio(med("swift"), ours),
      ratio(med("ceiling"), ours),
      ratio(med("curl"), ours),
      ourSamples.length ? `${peak.toFixed(0)} MiB` : "-",
      med("ours", (s) => s.cpuSeconds ?? 0)?.toFixed(2) ?? "-",
      known === undefined
        ? "-"
        : `${rate(known)} (+ ${med("known", (s) => s.fingerprintSeconds ?? 0)!.toFixed(2)} s)`,
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log("");
  rows.forEach((r, i) => {
    console.log(`| ${r.map((v, c) => v.padStart(widths[c]!)).join(" | ")} |`);
    if (i === 0) console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  });
  console.log("");
  console.log(
    "ours: uploadSlo in a fresh process, MD5 computed while streaming, timed in-process (login, segments, manifest, old-segment cleanup).",
  );
  console.log(
    "known-MD5: the SloObject handler's path after check fingerprinted a changed file: MD5s sent as ETags, no second hash.",
  );
  console.log(
    "swift, ceiling, curl: wall time of the commands (swift includes Python start-up and auth, ~0.3 s; ceiling: the plan's segments, no MD5, no manifest).",
  );
  console.log("targets: ours/swift >= 1.5 at 256 MiB and 1 GiB; ours/ceiling >= 0.9; RSS flat across sizes.");
  const sizes = [...rss.keys()].sort((a, b) => a - b);
  if (sizes.length > 1) {
    const small = rss.get(sizes[0]!)!;
    const large = rss.get(sizes[sizes.length - 1]!)!;
    console.log(
      `peak RSS: ${sizes.map((s) => `${s} MiB file ${rss.get(s)!.toFixed(0)} MiB`).join(", ")}; largest - smallest ${(large - small).toFixed(0)} MiB`,
    );
  }
  console.log(`load average at the end: ${load.map((l) => l.toFixed(1)).join(" ")}`);
}
