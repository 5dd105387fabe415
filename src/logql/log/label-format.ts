/**
 * `| label_format dst=src, dst="{{…}}"`. A rename moves the value and removes the source;
 * a template sets the label and keeps its sources. Templates of one stage all read the
 * labels as they were at the first template, renames see earlier items of the stage.
 */
import type { LabelFormatItem } from '../syntax/index.js';
import { PARSED, type LabelsBuilder } from './labels-builder.js';
import { ERR_TEMPLATE } from './names.js';
import type { Stage } from './stage.js';
import { EntryContext, SnapshotMap } from './template-data.js';
import { ExecError, Template } from './template/index.js';

interface Item {
  readonly name: string;
  readonly source: string;
  readonly tmpl: Template | undefined;
}

export class LabelFormatStage implements Stage {
  private readonly items: readonly Item[];
  private readonly ctx = new EntryContext();

  constructor(formats: readonly LabelFormatItem[]) {
    this.items = formats.map((f) => ({ name: f.name, source: f.value, tmpl: f.rename ? undefined : new Template('label', f.value) }));
  }

  process(ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    this.ctx.set(ts, line);
    let data: SnapshotMap | undefined;
    for (const it of this.items) {
      if (it.tmpl === undefined) {
        const v = lbs.get(it.source);
        if (v !== undefined) {
          lbs.set(PARSED, it.name, v);
          lbs.del(it.source);
        }
        continue;
      }
      if (data === undefined || data.size === 0) data = new SnapshotMap(lbs);
      try {
        lbs.set(PARSED, it.name, it.tmpl.execute(data, this.ctx));
      } catch (e) {
        if (!(e instanceof ExecError)) throw e;
        lbs.err = ERR_TEMPLATE;
        lbs.errDetails = e.message;
      }
    }
    return line;
  }

  requiredLabelNames(): readonly string[] {
    const names: string[] = [];
    for (const it of this.items) {
      if (it.tmpl === undefined) names.push(it.source);
      else names.push(...it.tmpl.fields);
    }
    return [...new Set(names)];
  }
}
