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
 * Entries of one stream given as columns, without an object per entry on the way in; replay
 * returns it as an EntriesRecord. Only for appends and checkpoints. With `lines` (the entries'
 * lines back to back in one buffer range) it is written as an entry-columns record (type 3),
 * the lines copied at once; without, as an entries record (type 2), line by line.
 */
export interface ColumnsRecord {
  readonly type: 'columns';
  readonly tenant: string;
  readonly streamId: number;
  readonly entries: EntryColumns;
  readonly lines?: LinesRange;
}

/** buf[start, end): lines back to back, their lengths those of the entries in order. */
export interface LinesRange {
  readonly buf: Uint8Array;
  readonly start: number;
  readonly end: number;
}

/** What append() and checkpoints take. */
export type WalAppendRecord = WalRecord | ColumnsRecord;

/** Record type bytes in a frame. Values are part of the on-disk format: never renumber. */
export const RecordType = {
  series: 1,
  entries: 2,
  entryColumns: 3,
} as const;
