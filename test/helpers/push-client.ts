import { compressSync } from 'snappy';

export interface TestEntry {
  readonly ts: bigint;
  readonly line: string;
  readonly metadata?: Record<string, string>;
}

export interface TestStream {
  readonly labels: Record<string, string>;
  readonly entries: readonly TestEntry[];
}

function labelString(labels: Record<string, string>): string {
  return '{' + Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ') + '}';
}

export function encodeJsonPush(streams: readonly TestStream[]): Buffer {
  return Buffer.from(JSON.stringify({
    streams: streams.map((s) => ({
      stream: s.labels,
      values: s.entries.map((e) => (e.metadata ? [e.ts.toString(), e.line, e.metadata] : [e.ts.toString(), e.line])),
    })),
  }));
}

// A protobuf writer just big enough for logproto.PushRequest, independent of the server's decoder.
class PbWriter {
  private parts: Buffer[] = [];
  varint(n: bigint | number): this {
    let v = BigInt(n);
    const bytes: number[] = [];
    while (v > 127n) { bytes.push(Number(v & 127n) | 128); v >>= 7n; }
    bytes.push(Number(v));
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  tag(field: number, wire: number): this { return this.varint((field << 3) | wire); }
  bytes(field: number, b: Buffer): this { this.tag(field, 2).varint(b.length); this.parts.push(b); return this; }
  string(field: number, s: string): this { return this.bytes(field, Buffer.from(s, 'utf8')); }
  finish(): Buffer { return Buffer.concat(this.parts); }
}

export function encodeProtobufPush(streams: readonly TestStream[]): Buffer {
  const req = new PbWriter();
  for (const s of streams) {
    const sw = new PbWriter().string(1, labelString(s.labels));
    for (const e of s.entries) {
      const ts = new PbWriter().tag(1, 0).varint(e.ts / 1_000_000_000n).tag(2, 0).varint(e.ts % 1_000_000_000n).finish();
      const ew = new PbWriter().bytes(1, ts).string(2, e.line);
      for (const [k, v] of Object.entries(e.metadata ?? {})) ew.bytes(3, new PbWriter().string(1, k).string(2, v).finish());
      sw.bytes(2, ew.finish());
    }
    req.bytes(1, sw.finish());
  }
  return compressSync(req.finish());
}

export async function push(baseUrl: string, streams: readonly TestStream[], format: 'json' | 'protobuf', headers: Record<string, string> = {}): Promise<Response> {
  const body = format === 'json' ? encodeJsonPush(streams) : encodeProtobufPush(streams);
  return fetch(`${baseUrl}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'Content-Type': format === 'json' ? 'application/json' : 'application/x-protobuf', ...headers },
    body,
  });
}
