/**
 * The body of a push answered 400 for some of its streams or entries: Loki's
 * util.GroupedErrors. Identical messages are counted; each distinct message gets an
 * `N errors like: ` prefix unless there is exactly one error in all. Groups keep the order
 * in which they first appeared (Go's map order is random).
 */
export function formatPushErrors(errors: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const e of errors) counts.set(e, (counts.get(e) ?? 0) + 1);
  const parts: string[] = [];
  for (const [msg, n] of counts) parts.push(counts.size > 1 || n > 1 ? `${n} errors like: ${msg}` : msg);
  return parts.join('; ');
}
