/**
 * Process-wide state shared by every loaded copy of this package (the provider host can load
 * it twice, e.g. from old and new serialized shells): kept on globalThis under a registered
 * symbol, created once by `init`.
 */
export function processWide<T>(name: string, init: () => T): T {
  const key = Symbol.for(`pulumi-drplane.${name}`);
  const g = globalThis as unknown as Record<symbol, T | undefined>;
  return (g[key] ??= init());
}
