/** What a user could see of an error, for the canary-secret checks of the client tests. */

/** Everything a user could see of an error: message, stack, causes and meta. */
export function visible(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; e && i < 5; i++) {
    const x = e as { message?: string; stack?: string; meta?: unknown; cause?: unknown };
    parts.push(String(x.message), String(x.stack), JSON.stringify(x.meta ?? {}));
    e = x.cause;
  }
  return parts.join("\n");
}
