/**
 * The demo's step runner: runs one `pulumi` command, shows its output as it comes and judges
 * each resource's operation against what must happen; records checks on the systems and
 * out-of-band drift; keeps every printed line (the final check looks for passwords in them).
 */
import { RESOURCES, registrationsOn, type DrSite, type ResourceName as Name } from "./dr-site";
import { EngineStack, type CommandResult, type Op } from "./stack";

export type Mode = "preview" | "up" | "refresh" | "destroy";
/**
 * What must happen to each resource in one command: its operation, the operation and its
 * failure, or "not run" (never registered: a resource it depends on failed).
 */
export type Outcome = Op | `${Op} (failed)` | "not run";
/**
 * One outcome per resource, or the outcomes it may have: when a command fails, the engine stops
 * starting steps, so a resource unrelated to the failure runs or not depending on timing.
 */
export type Expected = Record<Name, Outcome | readonly Outcome[]>;

export function expect(all: Op, except: Partial<Expected> = {}): Expected {
  return Object.fromEntries(RESOURCES.map((n) => [n, except[n] ?? all])) as Expected;
}

/** Everything the demo and the CLI printed (the final check looks for passwords in it). */
export const printed: string[] = [];
export const say = (line = "") => {
  printed.push(line);
  process.stdout.write(line + "\n");
};
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface StepRecord {
  title: string;
  mode: Mode | "check" | "drift";
  ops: string;
  durationMs: number;
  ok: boolean;
}

/** "create ×6", or "update prod-to-dr; same ×5": a large group by count, small ones by name. */
function describeOps(byName: Map<string, string>): string {
  const groups = new Map<string, string[]>();
  for (const [name, op] of byName) groups.set(op, [...(groups.get(op) ?? []), name]);
  return (
    [...groups]
      .sort(([, a], [, b]) => a.length - b.length)
      .map(([op, names]) => (names.length >= 3 ? `${op} ×${names.length}` : `${op} ${names.join(", ")}`))
      .join("; ") || "no resources"
  );
}

/** Shows the CLI's output as it comes, indented under the step's title. */
function echo(): (chunk: string) => void {
  let partial = "";
  return (chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) say(`    │ ${line}`);
  };
}

export class Demo {
  readonly steps: StepRecord[] = [];
  /** Every byte the CLI wrote, for the password check. */
  readonly cliOutput: string[] = [];

  constructor(
    private readonly site: DrSite,
    readonly stack: EngineStack,
  ) {}

  /**
   * Runs one `pulumi` command and checks each resource's operation against what must happen
   * (resources run concurrently, so the comparison is by name, not by order). With `failure`,
   * the command must fail and its errors must match it.
   */
  async run(
    title: string,
    mode: Mode,
    expected: Expected,
    failure?: RegExp,
    extra: string[] = [],
  ): Promise<CommandResult> {
    say();
    say(`── ${title}`);
    say(
      `    $ pulumi ${mode}${mode === "preview" ? "" : " --yes"}${extra.length ? ` ${extra.join(" ")}` : ""}`,
    );
    const r = await this.stack[mode](extra, { onOutput: echo() });
    this.cliOutput.push(r.stdout, r.stderr);

    const actual = new Map<string, string>();
    for (const name of RESOURCES) {
      const x = r.resources.find((y) => y.name === name);
      actual.set(name, x ? `${x.op}${x.failed ? " (failed)" : ""}` : "not run");
    }
    for (const x of r.resources) if (!actual.has(x.name)) actual.set(x.name, `${x.op} (undeclared)`);
    const allowed = (n: Name): readonly string[] => [expected[n]].flat();
    const want = new Map<string, string>(RESOURCES.map((n) => [n, allowed(n).join(" or ")]));
    const sameOps =
      [...actual.keys()].every((k) => (RESOURCES as readonly string[]).includes(k)) &&
      RESOURCES.every((n) => allowed(n).includes(actual.get(n)!));
    const outcomeOk = failure ? r.code !== 0 && r.errors.some((e) => failure.test(e.message)) : r.code === 0;
    const asExpected = sameOps && outcomeOk;
    if (!sameOps) say(`    UNEXPECTED: operations ${describeOps(actual)}; expected ${describeOps(want)}`);
    if (!outcomeOk) say(`    UNEXPECTED: pulumi ${mode} exited ${r.code ?? r.signal}`);
    const ops = describeOps(actual);
    say(
      `    ${asExpected ? "ok" : "FAILED"}: ${ops} in ${seconds(r.durationMs)} (exit ${r.code ?? r.signal})`,
    );
    this.steps.push({ title, mode, ops, durationMs: r.durationMs, ok: asExpected });
    if (!asExpected) throw new Error(`step "${title}" did not go as expected`);
    return r;
  }

  /** Asserts something a user would check on the systems themselves. */
  expect(title: string, ok: boolean, detail: string): void {
    say(`    ${ok ? "ok" : "FAILED"}: ${title}${detail ? ` (${detail})` : ""}`);
    this.steps.push({ title, mode: "check", ops: detail || "-", durationMs: 0, ok });
    if (!ok) throw new Error(`check "${title}" failed: ${detail}`);
  }

  drift(title: string, action: () => void): void {
    say();
    say(`── ${title}`);
    action();
    this.steps.push({ title, mode: "drift", ops: "out of band", durationMs: 0, ok: true });
  }

  registrationsOn(side: "local" | "remote"): string {
    return registrationsOn(this.site, side);
  }
}
