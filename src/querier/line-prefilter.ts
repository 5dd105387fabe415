/**
 * Literals that every line a pipeline keeps must contain, taken from its line filters, and a
 * scan that finds the lines holding one with a single Buffer.indexOf pass over a whole block
 * instead of running the pipeline on every line. Entries the scan rejects are exactly entries
 * the pipeline would drop, so the pipeline still runs (and decides) on the candidates.
 */
import type { EntryBatch } from '../chunk/index.js';
import { parseGoRegexTree, type Node } from '../logql/syntax/go-regex-tree.js';
import { reorderStages, type LineFilter, type Stage } from '../logql/syntax/index.js';
import { Needle } from './needle.js';

// In a module of its own so that the scan workers load it without the LogQL syntax.
export { Needle };

/** Stages that leave the line as it is: line filters after them still see the stored line. */
const KEEPS_LINE: ReadonlySet<string> = new Set(['Chain', 'LineFilter', 'JsonParser', 'LogfmtParser', 'RegexpParser', 'PatternParser', 'LabelFilter', 'LabelFormat', 'Drop', 'Keep']);

/**
 * Literals (as UTF-8 bytes) that each kept line contains: from `|= "lit"` and from the literal
 * parts every match of a `|~` regex has, in filters applied before anything changes the line.
 */
export function requiredLiterals(stages: readonly Stage[]): Buffer[] {
  const out = new Map<string, Buffer>();
  for (const step of reorderStages(stages)) {
    if (!KEEPS_LINE.has(step.kind)) break;
    if (step.kind !== 'Chain') continue;
    for (const f of step.filters) for (const lit of filterLiterals(f)) if (lit !== '') out.set(lit, Buffer.from(lit, 'utf8'));
  }
  return [...out.values()];
}

function filterLiterals(f: LineFilter): string[] {
  if (f.or.length > 0 || f.ip) return [];
  if (f.op === '|=') return [f.value];
  if (f.op === '|~') {
    try {
      return regexLiterals(parseGoRegexTree(f.value));
    } catch {
      // Constructs the tree does not model: no literal is known.
      return [];
    }
  }
  return [];
}

/** Case-sensitive literals every match of the regex contains. */
function regexLiterals(n: Node): string[] {
  switch (n.op) {
    case 'lit': return n.fold ? [] : [n.text];
    case 'capture': return regexLiterals(n.sub);
    case 'plus': return regexLiterals(n.sub);
    case 'repeat': return n.min >= 1 ? regexLiterals(n.sub) : [];
    case 'concat': return n.subs.flatMap(regexLiterals);
    default: return [];
  }
}

/**
 * Finds the entries of a batch whose line contains one of the required literals; with several,
 * it scans for the one that has matched the fewest lines so far (the others are left to the
 * pipeline). Keeps its statistics across batches.
 */
export class LiteralScan {
  private readonly hits: number[];
  private readonly scanned: number[];
  private readonly literals: readonly Needle[];

  constructor(literals: readonly Buffer[]) {
    this.literals = literals.map((l) => new Needle(l));
    this.hits = literals.map(() => 0);
    this.scanned = literals.map(() => 0);
  }

  /**
   * Writes the candidate entry indices, ascending, into `out` (length >= b.count); returns how many.
   * `first`: where in b.lines the literal blockLiteral() returned first occurs, when the caller has
   * already searched for it (the search then starts there).
   */
  candidates(b: EntryBatch, out: Uint32Array, first?: number): number {
    const k = this.pick();
    const lit = this.literals[k];
    const ls = b.lineStart;
    const lines = b.lines;
    const end = ls[b.count];
    const len = lit.bytes.length;
    let n = 0;
    let i = 0;
    let p = first !== undefined && first >= ls[0] ? first : lit.indexOf(lines, ls[0]);
    while (p !== -1 && p + len <= end) {
      // The entry holding p: ls[i] <= p < ls[i+1].
      if (ls[i + 1] <= p) {
        let lo = i + 1;
        let hi = b.count - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >>> 1;
          if (ls[mid] <= p) lo = mid;
          else hi = mid - 1;
        }
        i = lo;
      }
      if (p + len <= ls[i + 1]) {
        out[n++] = i;
        if (i + 1 >= b.count) break;
        i++;
        p = lit.indexOf(lines, ls[i]);
      } else {
        // The occurrence runs into the next line: look again inside that one.
        p = lit.indexOf(lines, p + 1);
      }
    }
    this.hits[k] += n;
    this.scanned[k] += b.count;
    return n;
  }

  /** The literal the next candidates() call scans for: a block without it has no candidate. */
  blockLiteral(): Needle {
    return this.literals[this.pick()];
  }

  /** The literal with the lowest hit rate so far; each one is tried once first. */
  private pick(): number {
    if (this.literals.length === 1) return 0;
    let best = 0;
    let bestRate = Infinity;
    for (let k = 0; k < this.literals.length; k++) {
      const rate = this.scanned[k] === 0 ? -1 : this.hits[k] / this.scanned[k];
      if (rate < bestRate) {
        best = k;
        bestRate = rate;
      }
    }
    return best;
  }
}
