/** The label map templates see (Loki passes map[string]string of the current labels, errors included). */
import type { LabelsBuilder } from './labels-builder.js';
import { ERROR_DETAILS_LABEL, ERROR_LABEL } from './names.js';
import type { ExecContext, StringMap } from './template/index.js';

/** A live view of the builder. */
export class BuilderMap implements StringMap {
  readonly kind = 'smap';
  lbs: LabelsBuilder | undefined;

  get(key: string): string | undefined {
    const b = this.lbs as LabelsBuilder;
    if (key === ERROR_LABEL) return b.err !== '' ? b.err : undefined;
    if (key === ERROR_DETAILS_LABEL) return b.errDetails !== '' ? b.errDetails : undefined;
    return b.get(key);
  }

  keys(): string[] {
    const out: string[] = [];
    (this.lbs as LabelsBuilder).forEach((name) => out.push(name));
    return out;
  }
}

/** A copy taken once per stage (label_format evaluates all its templates on the same map). */
export class SnapshotMap implements StringMap {
  readonly kind = 'smap';
  private readonly m = new Map<string, string>();

  constructor(lbs: LabelsBuilder) {
    lbs.forEach((name, value) => this.m.set(name, value));
  }

  get(key: string): string | undefined {
    return this.m.get(key);
  }

  keys(): string[] {
    return [...this.m.keys()];
  }

  get size(): number {
    return this.m.size;
  }
}

/** __line__ / __timestamp__ for one execution. */
export class EntryContext implements ExecContext {
  ts = 0n;
  private buf: Buffer = EMPTY;
  private text: string | undefined;

  set(ts: bigint, line: Buffer): void {
    this.ts = ts;
    this.buf = line;
    this.text = undefined;
  }

  line(): string {
    this.text ??= this.buf.toString('utf8');
    return this.text;
  }
}

const EMPTY = Buffer.alloc(0);
