/**
 * `| unpack` (Promtail's pack format): string fields of a JSON object become labels and
 * `_entry` replaces the line; without `_entry` nothing is applied and the line stays.
 */
import { JT, jsonString, objectEach, unescape } from './json-scan.js';
import { PARSED, type LabelsBuilder } from './labels-builder.js';
import { DUPLICATE_SUFFIX, ERR_JSON } from './names.js';
import { sanitizeLabelKey } from './sanitize.js';
import type { Stage } from './stage.js';

const NOT_OBJECT = 'expecting json object(6), but it is not';
const PACKED_KEY = '_entry';

interface KeyDecision {
  readonly name: string;
  readonly ok: boolean;
}

export class UnpackParserStage implements Stage {
  constructor(private readonly slot: number) {}

  process(ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    if (line.length === 0 || lbs.noLabels()) return line;
    if (line[0] !== 0x7b) {
      lbs.addErr(ERR_JSON, NOT_OBJECT);
      return line;
    }
    const cache = lbs.stageCache(this.slot, () => new Map<string, KeyDecision>());
    const pending: string[] = [];
    let entry: Buffer | undefined;
    const err = objectEach(line, 0, line.length, (ks, ke, esc, v) => {
      if (v.type !== JT.String) return undefined;
      const key = esc ? (unescape(line, ks, ke) ?? Buffer.alloc(0)).toString('utf8') : line.toString('utf8', ks, ke);
      if (key === PACKED_KEY) {
        const u = v.escaped ? unescape(line, v.start, v.end) : line.subarray(v.start, v.end);
        if (u === undefined) return 'Encountered an invalid escape sequence in a string';
        entry = u;
        return undefined;
      }
      let d = cache.get(key);
      if (d === undefined) {
        const field = lbs.baseHas(key) ? key + DUPLICATE_SUFFIX : key;
        d = { name: sanitizeLabelKey(field, true), ok: lbs.shouldExtract(field) };
        if (cache.size < 1024) cache.set(key, d);
      }
      if (!d.ok) return undefined;
      pending.push(d.name, jsonString(line, v.start, v.end, v.escaped));
      return undefined;
    });
    if (err !== undefined) {
      lbs.addErr(ERR_JSON, err);
      return line;
    }
    if (entry === undefined) return line;
    for (let i = 0; i < pending.length; i += 2) {
      const id = lbs.names.id(pending[i]);
      lbs.setId(PARSED, id, pending[i + 1]);
      if (!lbs.shouldContinueParsingLine(id, ts)) return null;
    }
    return entry;
  }

  requiredLabelNames(): readonly string[] {
    return [];
  }
}
