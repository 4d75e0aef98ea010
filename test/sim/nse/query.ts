/**
 * List query parameters shared by the list endpoints (reference A3, A4): `offset`, `limit`,
 * `sort_by`, `order_by` (400 on a bad value), and the name filter's `*` wildcard and `|`
 * alternatives.
 */
import { badRequest, type Paging } from "./envelope";

/** Default page size when `limit` is absent (**invented**; the docs give none). */
export const DEFAULT_LIMIT = 100;

function nonNegativeInt(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw badRequest(`${name} must be a non-negative integer, got '${raw}'.`);
  return Number(raw);
}

/** Reads paging; `sortable` lists the attributes `sort_by` may name. */
export function paging(
  query: URLSearchParams,
  defaults: { sort_by: string; order_by: "asc" | "desc" },
  sortable: readonly string[],
): Paging {
  const sort_by = query.get("sort_by") || defaults.sort_by;
  if (!sortable.includes(sort_by)) throw badRequest(`sort_by must be one of ${sortable.join(", ")}.`);
  const order = (query.get("order_by") || defaults.order_by).toLowerCase();
  if (order !== "asc" && order !== "desc") throw badRequest("order_by must be asc or desc.");
  return {
    offset: nonNegativeInt(query, "offset", 0),
    limit: nonNegativeInt(query, "limit", DEFAULT_LIMIT),
    sort_by,
    order_by: order,
  };
}

/** Sorts by `key(record)` in `order`, then pages. */
export function page<T>(
  items: T[],
  p: Paging,
  key: (item: T, attr: string) => string | number,
): { page: T[]; total: number } {
  const sorted = [...items].sort((a, b) => {
    const x = key(a, p.sort_by);
    const y = key(b, p.sort_by);
    const c = x < y ? -1 : x > y ? 1 : 0;
    return p.order_by === "asc" ? c : -c;
  });
  return { page: sorted.slice(p.offset, p.offset + p.limit), total: sorted.length };
}

/** `name=a*|b` → matches "abc" and "b" (reference A3: `*` wildcard, `|` alternatives). */
export function nameMatcher(filter: string | null): (name: string) => boolean {
  if (filter === null || filter === "") return () => true;
  const alternatives = filter.split("|").map(
    (alt) =>
      new RegExp(
        `^${alt
          .split("*")
          .map((s) => s.replace(/[.+?^${}()[\]\\]/g, "\\$&"))
          .join(".*")}$`,
      ),
  );
  return (name) => alternatives.some((re) => re.test(name));
}
