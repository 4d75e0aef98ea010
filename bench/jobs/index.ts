/**
 * bench/jobs: job-completion detection lag of the core poller versus the seed sample's
 * doubling poller (seed 000 invoke_async_command: first wait 1 s, doubled each time, capped
 * at 120 s), on simulated jobs of 1 s, 10 s and 70 s. Both run on an injected ManualClock in
 * the same process, so the figures are exact and repeatable; jitter uses a seeded PRNG over
 * several trials. Prints lag per job length and the ratio; never a pass/fail on time.
 *
 * Targets (issue 3): lag ≤ max(250 ms, 5 % of the job length); ≤ 0.1× the seed's lag at 70 s.
 */
import { ManualClock } from "../../provider/core/clock";
import { poll } from "../../provider/core/poll";

const JOB_LENGTHS_MS = [1_000, 10_000, 70_000];
const TRIALS = 200;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A job that completes `lengthMs` after it starts, observed through the clock. */
function job(clock: ManualClock, lengthMs: number) {
  const start = clock.now();
  return { describe: async () => clock.now() - start >= lengthMs, doneAt: start + lengthMs };
}

async function corePollerLag(
  lengthMs: number,
  random: () => number,
): Promise<{ lag: number; polls: number }> {
  const clock = new ManualClock();
  const j = job(clock, lengthMs);
  const r = await poll({
    what: "bench job",
    describe: j.describe,
    classify: (done) => (done ? { status: "success" } : { status: "pending", state: "Running" }),
    timeoutMs: 30 * 60_000,
    clock,
    random,
  });
  return { lag: clock.now() - j.doneAt, polls: r.polls };
}

/** Seed 000: sleep(wait); check; wait = min(wait*2, 120) — FIRST_WAIT_TIME = 1 s. */
async function seedPollerLag(lengthMs: number): Promise<{ lag: number; polls: number }> {
  const clock = new ManualClock();
  const j = job(clock, lengthMs);
  let wait = 1_000;
  let polls = 0;
  for (;;) {
    await clock.sleep(wait);
    polls++;
    if (await j.describe()) break;
    wait = Math.min(wait * 2, 120_000);
  }
  return { lag: clock.now() - j.doneAt, polls };
}

function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const random = prng(42);
  console.log(
    `bench/jobs: detection lag after job completion (ManualClock, ${TRIALS} jittered trials per length)`,
  );
  console.log("job length | core lag median / max (polls) | target | seed lag (polls) | core max / seed");
  for (const length of JOB_LENGTHS_MS) {
    const lags: number[] = [];
    const polls: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const r = await corePollerLag(length, random);
      lags.push(r.lag);
      polls.push(r.polls);
    }
    const seed = await seedPollerLag(length);
    const max = Math.max(...lags);
    const target = Math.max(250, 0.05 * length);
    console.log(
      [
        `${(length / 1000).toFixed(0).padStart(4)} s`,
        `${quantile(lags, 0.5)} ms / ${max} ms (${quantile(polls, 0.5)})`,
        `≤ ${target} ms ${max <= target ? "met" : "MISSED"}`,
        `${seed.lag} ms (${seed.polls})`,
        seed.lag > 0
          ? `${(max / seed.lag).toFixed(3)}×`
          : "n/a (the seed's first check lands exactly on completion)",
      ].join(" | "),
    );
  }
}

void main();
