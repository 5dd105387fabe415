import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How much nicer bulk worker threads are than the process. */
const WORKER_NICE = 10;

/**
 * Lowers the calling thread's CPU priority (Linux threads have their own): a worker doing bulk
 * work for one tenant (a big scan, a big push's decode) then uses the cores the main thread
 * leaves idle, so it does not slow the request handling, pushes and fair-scheduled slices of the
 * others. Elsewhere (no /proc/thread-self) the thread keeps the process's priority.
 */
export function lowerThreadPriority(nice = WORKER_NICE): void {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return;
  }
  if (Number.isInteger(tid) && tid > 0) setPriority(tid, Math.min(19, getPriority() + nice));
}
