/**
 * `| line_format "{{…}}"`: the line becomes the template's output over the current labels.
 * On an execution error the line is kept and TemplateFormatErr is set with Go's message.
 */
import type { LabelsBuilder } from './labels-builder.js';
import { ERR_TEMPLATE } from './names.js';
import type { Stage } from './stage.js';
import { BuilderMap, EntryContext } from './template-data.js';
import { ExecError, Template } from './template/index.js';

const EMPTY = Buffer.alloc(0);

export class LineFormatStage implements Stage {
  private readonly tmpl: Template;
  private readonly data = new BuilderMap();
  private readonly ctx = new EntryContext();

  constructor(text: string) {
    this.tmpl = new Template('line', text);
  }

  process(ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    const key = this.tmpl.simpleKey;
    if (key !== undefined) {
      // Loki copies the label directly; a missing one gives an empty line.
      const v = lbs.get(key);
      return v === undefined ? EMPTY : Buffer.from(v, 'utf8');
    }
    this.data.lbs = lbs;
    this.ctx.set(ts, line);
    try {
      return Buffer.from(this.tmpl.execute(this.data, this.ctx), 'utf8');
    } catch (e) {
      if (!(e instanceof ExecError)) throw e;
      lbs.err = ERR_TEMPLATE;
      lbs.errDetails = e.message;
      return line;
    }
  }

  requiredLabelNames(): readonly string[] {
    return this.tmpl.fields;
  }
}
