/**
 * What every data function does the same way, once: arguments checked before any request
 * (an InputError naming each bad argument, as check does for resources), the stack's secret
 * config loaded as credentials (the program process reads it the way the provider host does in
 * `configure`), and the call kept alive as an RPC of the program (keptAlive).
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { CONFIG_KEY, setStackCredentials } from "../core/credentials";
import { InputError } from "../core/errors";
import { checkWith } from "../core/schema";

export { keptAlive } from "./kept-alive";

/** The checked arguments; bad ones fail before any request, naming the argument. */
export function checkedArgs<S extends z.ZodType>(what: string, schema: S, args: unknown): z.output<S> {
  const { inputs, failures } = checkWith(schema, (args ?? {}) as Record<string, unknown>);
  if (failures.length > 0) {
    throw new InputError(`${what}: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`, {
      meta: { property: failures[0]!.property },
    });
  }
  return inputs as z.output<S>;
}

/** Loads the stack's credentials config; outside Pulumi (a script), the environment is used. */
export function loadStackCredentials(): void {
  try {
    setStackCredentials(pulumi.runtime.getConfig(CONFIG_KEY));
  } catch {
    // Not running under Pulumi: DRPLANE_<PROFILE>_PASSWORD from the environment.
  }
}
