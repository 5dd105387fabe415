import { NS_PER_SECOND, type Nanos } from '../model/time.js';

function split(ns: Nanos): { date: Date; frac: bigint } {
  let sec = ns / NS_PER_SECOND;
  let frac = ns % NS_PER_SECOND;
  if (frac < 0n) { frac += NS_PER_SECOND; sec -= 1n; }
  return { date: new Date(Number(sec) * 1000), frac };
}

/** Go's time.Time.String() in UTC: `2026-01-01 00:00:05.027 +0000 UTC`. Loki puts it in error texts. */
export function goTimeString(ns: Nanos): string {
  const { date, frac } = split(ns);
  const base = date.toISOString().slice(0, 19).replace('T', ' ');
  const f = frac === 0n ? '' : '.' + frac.toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${f} +0000 UTC`;
}

/** Go's time.RFC3339 (seconds precision) in UTC. */
export function goRFC3339(ns: Nanos): string {
  return split(ns).date.toISOString().slice(0, 19) + 'Z';
}
