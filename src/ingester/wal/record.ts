import type { Entry } from '../../model/entry.js';
import type { Labels } from '../../model/labels.js';

/**
 * A new stream: binds (tenant, streamId) to a label set. It precedes, in WAL order, every
 * entries record of that stream.
 */
export interface SeriesRecord {
  readonly type: 'series';
  readonly tenant: string;
  readonly streamId: number;
  readonly labels: Labels;
}

/** A batch of entries of one stream, in push order. */
export interface EntriesRecord {
  readonly type: 'entries';
  readonly tenant: string;
  readonly streamId: number;
  readonly entries: Entry[];
}

export type WalRecord = SeriesRecord | EntriesRecord;

/** Record type bytes in a frame. Values are part of the on-disk format: never renumber. */
export const RecordType = {
  series: 1,
  entries: 2,
} as const;
