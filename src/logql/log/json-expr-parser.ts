/**
 * `| json a="x.y[0]", b`: the values at the given paths. Objects and arrays come back as
 * raw JSON text, null and missing paths as "". A line that does not start like JSON is
 * a JSONParserErr without details.
 */
import type { ExtractionParam } from '../syntax/index.js';
import { parseJsonPath } from '../syntax/index.js';
import { eachKey } from './json-each-key.js';
import { JT, jsonString } from './json-scan.js';
import { PARSED, type LabelsBuilder } from './labels-builder.js';
import { DUPLICATE_SUFFIX, ERR_JSON } from './names.js';
import type { Stage } from './stage.js';

export class JsonExpressionParserStage implements Stage {
  private readonly ids: readonly string[];
  private readonly paths: readonly (readonly string[])[];

  constructor(private readonly slot: number, params: readonly ExtractionParam[]) {
    this.ids = params.map((p) => p.label);
    this.paths = params.map((p) => parseJsonPath(p.expression).map((s) => (typeof s === 'number' ? `[${s}]` : s)));
  }

  process(_ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    if (line.length === 0 || lbs.noLabels()) return line;
    const c = line[0];
    if (c !== 0x22 && c !== 0x7b && c !== 0x5b) {
      lbs.addErr(ERR_JSON);
      return line;
    }
    // Per stream: the `_extracted` rename depends on the stream labels.
    const keys = lbs.stageCache(this.slot, () => this.ids.map((id) => (lbs.baseHas(id) ? id + DUPLICATE_SUFFIX : id)));
    let matches = 0;
    eachKey(line, this.paths, (pi, v, err) => {
      if (err !== undefined || v === undefined) {
        lbs.addErr(ERR_JSON, err);
        return;
      }
      let value: string;
      if (v.type === JT.Null) value = '';
      else if (v.type === JT.Object) value = line.toString('utf8', v.start, v.end);
      else value = jsonString(line, v.start, v.end, v.type === JT.String ? v.escaped : hasBackslash(line, v.start, v.end));
      lbs.set(PARSED, keys[pi], value);
      matches++;
    });
    if (matches < this.ids.length) {
      for (const id of this.ids) if (lbs.get(id) === undefined) lbs.set(PARSED, id, '');
    }
    return line;
  }

  requiredLabelNames(): readonly string[] {
    return [];
  }
}

function hasBackslash(b: Buffer, start: number, end: number): boolean {
  const i = b.indexOf(0x5c, start);
  return i !== -1 && i < end;
}
