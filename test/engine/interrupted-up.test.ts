/**
 * Engine level: `pulumi up` interrupted while the Hitachi registration job runs, by SIGINT (the
 * CLI cancels: it stops starting operations and waits for the ones in flight) and by SIGKILL
 * (the CLI dies; the state keeps a pending create). The next run must converge with nothing
 * created twice: one registration on the array, the job posted once.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { installProgram } from "./program-dir";
import { EngineStack, explain } from "./stack";
import { setTimeout as sleep } from "node:timers/promises";
import { leftoversAfterStop, siteWithStack, teardown, type DrSite } from "./dr-site";
import { REPO_ROOT } from "../host/stage";
import { REMOTE_STORAGES_PATH } from "../sim/hitachi";

const EXAMPLE = path.join(REPO_ROOT, "examples", "dr-topology");
/** Long enough that the interruption lands while the array's job is still running. */
const JOB_MS = 8000;

/** Registration POSTs the local array received (each starts a job). */
const registrationPosts = (site: DrSite) =>
  site.hitachi.local.server.requests().filter((e) => e.method === "POST" && e.path === REMOTE_STORAGES_PATH)
    .length;

interface Exported {
  deployment?: { pending_operations?: { type: string; resource: { urn: string } }[] };
}

describe("pulumi up interrupted mid-create", () => {
  let programDir: string;
  before(() => {
    programDir = installProgram(EXAMPLE);
  });

  for (const signal of ["SIGINT", "SIGKILL"] as const) {
    describe(`by ${signal}`, () => {
      let site: DrSite;
      let stack: EngineStack;
      after(async () => {
        await teardown(stack, site, ["--run-program"]);
      });

      test("the next pulumi up converges and nothing is created twice", async () => {
        ({ site, stack } = await siteWithStack(programDir, `interrupt-${signal.toLowerCase()}`, {
          jobDurationMs: JOB_MS,
        }));

        const first = await stack.up([], {
          onSpawn: (cli) => {
            void (async () => {
              while (registrationPosts(site) === 0 && cli.exitCode === null) await sleep(100);
              await sleep(500); // the job is running on the array now
              cli.kill(signal);
            })();
          },
        });
        assert.notEqual(first.code, 0, `the interrupted up must not report success\n${explain(first)}`);
        assert.equal(registrationPosts(site), 1);

        const pending = (
          (JSON.parse(await stack.exportText()) as Exported).deployment?.pending_operations ?? []
        ).map((p) => `${p.type} ${p.resource.urn.slice(p.resource.urn.lastIndexOf("::") + 2)}`);
        if (signal === "SIGINT") {
          // Cancelled: the in-flight create finished and was recorded; nothing is pending.
          assert.deepEqual(pending, []);
        } else {
          // Killed: the engine had no chance to record the outcome.
          assert.ok(pending.includes("creating site-link"), `pending operations: ${pending.join(", ")}`);
        }

        // What docs/engine.md tells a user to run after a killed CLI: `pulumi cancel` (the file
        // backend's lock outlived the CLI), `pulumi refresh --clear-pending-creates` (drops the
        // pending record: the engine cannot know whether the create finished), then `pulumi up`
        // (the create finds the registration or its job on the array and adopts it).
        if (signal === "SIGKILL") {
          const cancel = await stack.pulumi(["cancel", "--yes"]);
          assert.equal(cancel.code, 0, explain(cancel));
        }
        if (pending.length > 0) {
          const refresh = await stack.refresh(["--clear-pending-creates"]);
          assert.equal(refresh.code, 0, explain(refresh));
        }
        const second = await stack.up();
        assert.equal(second.code, 0, explain(second));
        assert.equal(site.hitachi.local.registrations().length, 1, "one registration on the array");
        assert.equal(registrationPosts(site), 1, "the registration job was posted once");
        const again = await stack.preview(["--expect-no-changes"]);
        assert.equal(again.code, 0, explain(again));

        const destroy = await stack.destroy();
        assert.equal(destroy.code, 0, explain(destroy));
        assert.deepEqual(await leftoversAfterStop(site), []);
      });
    });
  }
});
