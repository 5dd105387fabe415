import type { LabelsBuilder } from './labels-builder.js';

/**
 * One step of a compiled pipeline. Stages never mutate the line they get: they return it,
 * a new Buffer, or null when the entry is filtered out.
 */
export interface Stage {
  process(ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null;
  /** Labels the stage reads, for the parser hints of metric queries. */
  requiredLabelNames(): readonly string[];
  /** Set on single label filters (not and/or): parser hints may run them early. */
  readonly hintFilter?: { readonly name: string };
  /**
   * What a log pipeline's probe may run (pipeline.ts): line filters, the json/logfmt parsers
   * (which honour LabelsBuilder.probing) and label filters. Other stages end the probe.
   */
  readonly probe?: 'filter' | 'parser' | 'label';
  /**
   * Label filters on one label whose verdict for a lone value can be read from its bytes:
   * false when the filter drops the entry, true when it keeps it, undefined when the bytes
   * alone do not tell (the value does not convert simply). See the probe's screen (pipeline.ts).
   */
  readonly screen?: { readonly name: string; test(d: Uint8Array, s: number, e: number): boolean | undefined };
  /** Set on the plain logfmt parser when a screen may stand in for it (not --strict, not --keep-empty). */
  readonly screenable?: boolean;
}

/** A stage that only filters lines. */
export function filterStage(test: (line: Buffer) => boolean): Stage {
  return {
    process: (_ts, line) => (test(line) ? line : null),
    requiredLabelNames: () => [],
    probe: 'filter',
  };
}
