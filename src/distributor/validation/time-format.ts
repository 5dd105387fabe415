const NS_PER_SECOND = 1_000_000_000n;

/**
 * Go's t.Format(time.RFC3339) in UTC: whole seconds, e.g. 2024-01-02T03:04:05Z. Loki's
 * timestamp errors print entry times this way.
 */
export function formatRFC3339Seconds(ns: bigint): string {
  let sec = ns / NS_PER_SECOND;
  if (ns % NS_PER_SECOND < 0n) sec -= 1n;
  const d = new Date(Number(sec) * 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}
