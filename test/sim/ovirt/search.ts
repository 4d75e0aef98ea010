/**
 * `search=` on collections (reference §1.14; seed 3.3/3.5): terms `field=value` joined by
 * `and`, a bare word matching the name, `*` as a wildcard, quotes around values with spaces
 * (`name="vm 1"`), case-insensitive unless `case_sensitive=true`, plus `page N` and
 * `sortby name asc|desc`. `max` caps the result: a query or matrix parameter in v4, matrix
 * only in v3 (`/vms;max=10`; a v3 query `max` is ignored).
 */
import { badRequest } from "./errors";
import type { Ctx } from "./router";

/** Searchable fields of one collection: field name → value(s) of an item. */
export type SearchFields<T> = Record<string, (item: T) => string | string[] | undefined>;

const SEARCH_RESULTS_LIMIT = 100; // seed 3.5 (SearchResultsLimit; "最大 100")

function wildcard(value: string, caseSensitive: boolean): RegExp {
  const escaped = value.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, caseSensitive ? "" : "i");
}

interface Term {
  field: string;
  op: "=" | "!=";
  value: string;
}

function parse(query: string): { terms: Term[]; page?: number; sort?: { field: string; desc: boolean } } {
  let rest = query.trim();
  let page: number | undefined;
  let sort: { field: string; desc: boolean } | undefined;
  rest = rest.replace(/\bpage\s+(\d+)\s*$/i, (_m, n: string) => {
    page = Number(n);
    return "";
  });
  rest = rest.replace(/\bsortby\s+(\w+)(?:\s+(asc|desc))?\s*$/i, (_m, f: string, d?: string) => {
    sort = { field: f.toLowerCase(), desc: d?.toLowerCase() === "desc" };
    return "";
  });
  // page may come before sortby too
  rest = rest.replace(/\bpage\s+(\d+)\s*$/i, (_m, n: string) => {
    page = Number(n);
    return "";
  });
  const terms: Term[] = [];
  const text = rest.trim();
  if (text) {
    for (const part of text.split(/\s+and\s+/i)) {
      const m = /^\s*([\w.]+)\s*(!=|=)\s*(?:"([^"]*)"|(\S+))\s*$/.exec(part);
      if (m) terms.push({ field: m[1]!.toLowerCase(), op: m[2] as "=" | "!=", value: m[3] ?? m[4] ?? "" });
      else if (/^\s*(?:"[^"]*"|\S+)\s*$/.test(part))
        terms.push({ field: "name", op: "=", value: part.trim().replace(/^"|"$/g, "") });
      else throw badRequest(`Search query is invalid: ${query}`);
    }
  }
  return { terms, page, sort };
}

/** Applies `search`, `case_sensitive`, `max` to `items` (already in the collection's order). */
export function applySearch<T>(ctx: Ctx, items: T[], fields: SearchFields<T>): T[] {
  const query = ctx.req.query.get("search");
  const caseSensitive = ctx.param("case_sensitive")?.toLowerCase() === "true";
  const maxRaw = ctx.dialect === "v3" ? ctx.matrix("max") : ctx.param("max");
  const max = maxRaw !== undefined && /^-?\d+$/.test(maxRaw) ? Number(maxRaw) : undefined;
  let out = items;
  let page: number | undefined;
  if (query) {
    const parsed = parse(query);
    page = parsed.page;
    for (const term of parsed.terms) {
      const get = fields[term.field];
      if (!get) throw badRequest(`Search query is invalid: unknown field '${term.field}'`);
      const re = wildcard(term.value, caseSensitive);
      out = out.filter((item) => {
        const v = get(item);
        const values = v === undefined ? [] : Array.isArray(v) ? v : [v];
        const hit = values.some((x) => re.test(x));
        return term.op === "=" ? hit : !hit;
      });
    }
    const sort = parsed.sort;
    if (sort) {
      const get = fields[sort.field];
      if (!get) throw badRequest(`Search query is invalid: unknown sort field '${sort.field}'`);
      const key = (t: T): string => String(get(t) ?? "");
      out = [...out].sort((a, b) => key(a).localeCompare(key(b)) * (sort.desc ? -1 : 1));
    }
  }
  const size = max !== undefined && max >= 0 ? max : SEARCH_RESULTS_LIMIT;
  const start = page !== undefined && page > 0 ? (page - 1) * size : 0;
  return out.slice(start, start + size);
}
