/**
 * The diff-rule tables' shared shape and runner: a resource kind is its handler, declared
 * inputs, the outputs a create records, and rows (a change to the declared inputs, or other
 * recorded state → what the engine is told). Each row checks both input sets with the handler's
 * own `check` and calls `handler.diff(id, olds, news)` as the provider host does.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { Handler, Props } from "../../provider/dynamic/kit";

/** What the engine is told: nothing, an update in place, or a replacement. */
export type Expected = "none" | "update" | { replace: string[]; deleteFirst: boolean };
export const replace = (...fields: string[]): Expected => ({ replace: fields, deleteFirst: true });
/** A replacement that creates the new object before deleting the old one. */
export const replaceCreateFirst = (...fields: string[]): Expected => ({
  replace: fields,
  deleteFirst: false,
});

export interface Row {
  case: string;
  /** The new declared inputs, from the declared ones of the recorded state. */
  news?: (p: Props) => Props;
  /** The recorded state (checked inputs + outputs), when the row starts from other state. */
  olds?: (s: Props) => Props;
  expect: Expected;
}

export interface Kind {
  kind: string;
  handler: Handler;
  inputs: () => Props;
  /** The outputs a create records beside the inputs (the checked inputs given). */
  outputs: (checked: Props) => Props;
  /**
   * Record which inputs were declared, as the kit does on create (`__declaredInputs`); without
   * it the rows start from state written before the kit recorded them.
   */
  recordsDeclared?: boolean;
  rows: Row[];
}

export const set =
  (patch: Props) =>
  (p: Props): Props => ({ ...p, ...patch });
/** Changes fields of the nested object `key` (a connection, local, remote). */
export const setIn =
  (key: string, patch: Props) =>
  (p: Props): Props => ({ ...p, [key]: { ...(p[key] as Props), ...patch } });

async function checked(handler: Handler, olds: Props, news: Props): Promise<Props> {
  const r = await handler.check(olds, news);
  assert.deepEqual(r.failures ?? [], [], `check of ${JSON.stringify(news)}`);
  return r.inputs!;
}

function outcome(d: { changes: boolean; replaces?: string[]; deleteBeforeReplace?: boolean }): Expected {
  const replaces = [...(d.replaces ?? [])].sort();
  if (replaces.length > 0) return { replace: replaces, deleteFirst: d.deleteBeforeReplace === true };
  assert.notEqual(d.deleteBeforeReplace, true, "deleteBeforeReplace without a replacement");
  return d.changes ? "update" : "none";
}

/** One test per kind, one subtest per row. */
export function diffRuleTests(kinds: Kind[]): void {
  for (const k of kinds) {
    test(`${k.kind}: diff rules`, async (t) => {
      for (const row of k.rows) {
        await t.test(row.case, async () => {
          const declared = k.inputs();
          const base = await checked(k.handler, {}, declared);
          const names = Object.keys(base).filter((x) => !x.startsWith("__"));
          const recorded = {
            ...base,
            ...k.outputs(base),
            ...(k.recordsDeclared ? { __declaredInputs: names.sort() } : {}),
          };
          const olds = row.olds ? row.olds(recorded) : recorded;
          const news = await checked(k.handler, olds, row.news ? row.news(declared) : declared);
          const d = await k.handler.diff("id", olds, news);
          const want = row.expect;
          assert.deepEqual(
            outcome(d),
            typeof want === "string"
              ? want
              : { replace: [...want.replace].sort(), deleteFirst: want.deleteFirst },
          );
        });
      }
    });
  }
}
