/**
 * Assertions the engine suites share: a preview after up expects no changes, and the exported
 * state holds none of the site's canary passwords and none of the tokens its simulators issued.
 */
import * as assert from "node:assert/strict";
import type { DrSite } from "./dr-site";
import { explain, opsOf, type EngineStack } from "./stack";

/** `pulumi preview --expect-no-changes` passes and shows every resource as "same". */
export async function expectNoChanges(stack: EngineStack): Promise<void> {
  const preview = await stack.preview(["--expect-no-changes"]);
  assert.equal(preview.code, 0, explain(preview));
  assert.ok(
    preview.resources.every((r) => r.op === "same"),
    JSON.stringify(opsOf(preview)),
  );
}

/**
 * `pulumi stack export` holds no password of the site's credential profiles and none of the
 * `tokens` (when given: the session tokens recorded from the simulators, at least one).
 */
export async function expectNoSecretsInState(
  stack: EngineStack,
  site: DrSite,
  tokens?: string[],
): Promise<string> {
  const text = await stack.exportText();
  for (const [profile, c] of Object.entries(site.credentials))
    assert.ok(!text.includes(c!.password), `the ${profile} password is in the exported state`);
  if (tokens) {
    assert.ok(tokens.length > 0, "the simulators issued session tokens");
    for (const token of tokens) assert.ok(!text.includes(token), "a session token is in the exported state");
  }
  return text;
}
