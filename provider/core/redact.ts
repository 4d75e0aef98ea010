/**
 * Redaction, applied to every log line and error message the provider produces.
 * Two layers: (1) header names and text patterns that look like credentials;
 * (2) every secret value the process has seen (passwords resolved from config/env,
 * tokens returned by logins) is registered here and replaced wherever it appears.
 */
import { processWide } from "./process-state";

const MASK = "***";

const SENSITIVE_HEADER =
  /^(authorization|remote-authorization|proxy-authorization|x-auth-.*|x-subject-token|x-storage-token|x-service-token|cookie|set-cookie|x-account-meta-temp-url-key.*|x-container-meta-temp-url-key.*)$/i;

const TEXT_PATTERNS: Array<[RegExp, string]> = [
  // Authorization-like header values written into text
  [/\b(Session|Basic|Bearer|Token)\s+[A-Za-z0-9+/=._~-]{6,}/g, `$1 ${MASK}`],
  // "header: value" and JSON "key": "value" for sensitive keys
  [
    /((?:authorization|remote-authorization|x-auth-[a-z-]+|x-subject-token|x-storage-token|password|passwd|secret|token|api[_-]?key|auth[_-]?key)["']?\s*[:=]\s*["']?)([^"'\s,}&]+)/gi,
    `$1${MASK}`,
  ],
];

const KNOWN_SECRETS = processWide("redact.secrets", () => new Set<string>());

/** Remember a secret value so it is masked wherever it later appears. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) KNOWN_SECRETS.add(value);
}

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

export function redactText(text: string): string {
  let out = text;
  for (const secret of KNOWN_SECRETS) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = isSensitiveHeader(k) ? MASK : v;
  return out;
}

/** Redacts a URL's query parameters that carry credentials (temp_url_sig, token, …). */
export function redactUrl(url: string): string {
  return redactText(
    url.replace(/([?&](?:temp_url_sig|token|access_token|password|signature)=)[^&]*/gi, `$1${MASK}`),
  );
}
