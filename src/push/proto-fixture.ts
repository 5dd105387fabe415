/**
 * Reference encoder for tests and benchmarks: protobufjs with Loki's push.proto schema,
 * so the hand-written decoder is checked against an independent implementation.
 */
import protobuf from 'protobufjs';
import snappy from 'snappy';

const SCHEMA = `
syntax = "proto3";
package logproto;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message LabelPairAdapter { string name = 1; string value = 2; }
message EntryAdapter {
  Timestamp timestamp = 1;
  bytes line = 2; // string on the wire; bytes here so tests can send any byte sequence
  repeated LabelPairAdapter structuredMetadata = 3;
  repeated LabelPairAdapter parsed = 4;
}
message StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
message PushRequest { repeated StreamAdapter streams = 1; }
`;

const PushRequestType = protobuf.parse(SCHEMA).root.lookupType('logproto.PushRequest');

export interface FixtureEntry {
  /** Omit to send an entry without a timestamp. */
  timestamp?: { seconds: number | string; nanos: number };
  line: string | Uint8Array;
  structuredMetadata?: { name: string; value: string }[];
  parsed?: { name: string; value: string }[];
}

export interface FixtureStream {
  labels: string;
  entries: FixtureEntry[];
  hash?: number;
}

/** Uncompressed protobuf bytes of a PushRequest. */
export function encodePushProto(streams: FixtureStream[]): Buffer {
  const asBytes = streams.map((s) => ({
    ...s,
    entries: s.entries.map((e) => ({ ...e, line: typeof e.line === 'string' ? Buffer.from(e.line) : e.line })),
  }));
  const msg = PushRequestType.fromObject({ streams: asBytes });
  return Buffer.from(PushRequestType.encode(msg).finish());
}

/** What Promtail sends: snappy block-compressed protobuf. */
export function encodePushSnappy(streams: FixtureStream[]): Buffer {
  return snappy.compressSync(encodePushProto(streams));
}
