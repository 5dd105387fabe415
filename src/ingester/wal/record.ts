import type { Entry, EntryColumns } from '../../model/entry.js';
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

/**
 * Entries of one stream given as columns: written exactly as an EntriesRecord (replay returns
 * it as one), without an object per entry on the way in. Only for appends and checkpoints.
 */
export interface ColumnsRecord {
  readonly type: 'columns';
  readonly tenant: string;
  readonly streamId: number;
  readonly entries: EntryColumns;
}

/** What append() and checkpoints take. */
export type WalAppendRecord = WalRecord | ColumnsRecord;

/** Record type bytes in a frame. Values are part of the on-disk format: never renumber. */
export const RecordType = {
  series: 1,
  entries: 2,
} as const;
