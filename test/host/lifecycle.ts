/**
 * The host suites' shared lifecycle, after terraform's acceptance tests: a suite is data — how to
 * start its backend (simulators, a Swift fixture), the resource classes whose `__provider` it
 * needs, the stack credentials, its steps in order, and a destroy check that asks the backend
 * itself that nothing is left — and `hostLifecycle` turns it into node:test hooks and tests:
 * before: backend, provider texts, one provider host configured with the credentials; one test
 * per step; a last test that runs the destroy check; after: host, backend and `cleanup` stopped
 * whatever failed. What a step creates for a later one is kept in the context (`remember` /
 * `stateOf`), not in module-level variables.
 */
import { after, before, test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { ProviderHost, type HostOptions, type Props } from "./harness";
import { providerTextOf } from "./provider-text";
import type { stagedApi } from "./stage";

type Api = ReturnType<typeof stagedApi>;

/** One resource's id and outputs, as the engine would have recorded them, and its checked inputs. */
export interface Recorded {
  id: string;
  outs: Props;
  /** The inputs the engine would send as `olds` next time (when the step kept them). */
  inputs?: Props;
}

export interface LifecycleContext<B> {
  /** What `backend()` started. */
  readonly backend: B;
  /** The provider host of the suite (absent when the suite starts its own: `host: false`). */
  readonly host: ProviderHost;
  /** The serialized `__provider` of each class named in `providers`. */
  provider(name: string): string;
  /** Keeps a resource's id, outputs and (optionally) checked inputs for the later steps. */
  remember(name: string, id: string, outs: Props, inputs?: Props): void;
  /** What an earlier step remembered (fails the step, naming it, when none did). */
  stateOf(name: string): Recorded;
}

export interface Step<B> {
  name: string;
  run: (ctx: LifecycleContext<B>) => Promise<void> | void;
}

export interface Lifecycle<B> {
  backend: () => Promise<B>;
  stopBackend?: (backend: B) => Promise<void>;
  /** The classes whose `__provider` the steps send, each constructed as a user's program does. */
  providers?: Record<string, (api: Api, backend: B) => pulumi.CustomResource>;
  /** `false`: no shared host (the steps start their own); else its options and stack config. */
  host?:
    false | { options?: HostOptions; credentials?: (backend: B) => Record<string, Record<string, string>> };
  steps: Step<B>[];
  /** Asserts on the backend (not on outputs) that the steps left no object behind. */
  checkDestroy: { name: string; run: (ctx: LifecycleContext<B>) => Promise<void> | void };
  /** Runs after the host stops and before the backend does (containers, agents, temp files). */
  cleanup?: (backend: B | undefined) => Promise<void> | void;
}

/** Registers the suite's hooks and tests (at top level or inside a `describe`). */
export function hostLifecycle<B>(spec: Lifecycle<B>): LifecycleContext<B> {
  let backend: B | undefined;
  let host: ProviderHost | undefined;
  const providers = new Map<string, string>();
  const state = new Map<string, Recorded>();
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the suite's ${what} is not started (its before() failed)`);
    return value;
  };
  const ctx: LifecycleContext<B> = {
    get backend() {
      return ready(backend, "backend");
    },
    get host() {
      return ready(host, "provider host");
    },
    provider: (name) => ready(providers.get(name), `provider text of ${name}`),
    remember: (name, id, outs, inputs) =>
      void state.set(name, inputs === undefined ? { id, outs } : { id, outs, inputs }),
    stateOf: (name) => {
      const r = state.get(name);
      if (!r) throw new Error(`no ${name} was recorded: the step that creates it failed or did not run`);
      return r;
    },
  };

  before(async () => {
    backend = await spec.backend();
    for (const [name, construct] of Object.entries(spec.providers ?? {}))
      providers.set(name, await providerTextOf((api) => construct(api, backend!)));
    if (spec.host === false) return;
    host = await ProviderHost.start(spec.host?.options);
    const credentials = spec.host?.credentials?.(backend);
    await host.configure(credentials ? { "drplane:credentials": JSON.stringify(credentials) } : {});
  });

  after(async () => {
    await host?.stop();
    await spec.cleanup?.(backend);
    if (backend !== undefined) await spec.stopBackend?.(backend);
  });

  for (const step of spec.steps) test(step.name, () => step.run(ctx));
  test(`destroy check: ${spec.checkDestroy.name}`, () => spec.checkDestroy.run(ctx));
  return ctx;
}
