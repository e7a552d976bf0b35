import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so equal configs give equal text (STYLE.md §4). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** First `length` hex digits of the SHA-256 of the canonical JSON of `value`. */
export function hashOf(value: unknown, length = 12): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);
}
