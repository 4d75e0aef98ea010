/**
 * One stack driven through the real `pulumi` CLI (EngineStack, opsOf, explain): demo code, kept
 * in scripts/demo/stack.ts; the engine tests import it through here.
 */
export * from "../../scripts/demo/stack";
