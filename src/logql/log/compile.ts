/**
 * From the AST to runtime stages, in Loki's order: line filters move in front of the
 * stages that do not change the line (syntax.reorderStages), consecutive filters run as
 * one, always-true filters and `=~".*"`-like label filters disappear.
 */
import type { Stage as AstStage } from '../syntax/index.js';
import { reorderStages } from '../syntax/index.js';
import { DecolorizeStage } from './decolorize.js';
import { DropLabelsStage } from './drop-labels.js';
import { JsonExpressionParserStage } from './json-expr-parser.js';
import { JsonParserStage } from './json-parser.js';
import { KeepLabelsStage } from './keep-labels.js';
import { LabelFormatStage } from './label-format.js';
import { labelFilterStage } from './label-filter.js';
import { chainFilter } from './line-filter.js';
import { LineFormatStage } from './line-format.js';
import { LogfmtExpressionParserStage, LogfmtParserStage } from './logfmt-parser.js';
import { PatternParserStage } from './pattern-parser.js';
import { RegexpParserStage } from './regexp-parser.js';
import { filterStage, type Stage } from './stage.js';
import { UnpackParserStage } from './unpack-parser.js';

export function compileStages(ast: readonly AstStage[]): Stage[] {
  const out: Stage[] = [];
  let slot = 0;
  for (const step of reorderStages(ast)) {
    switch (step.kind) {
      case 'Chain': {
        const f = chainFilter(step.filters);
        if (!f.always) out.push(filterStage(f.test));
        break;
      }
      case 'LineFilter': {
        const f = chainFilter([step]);
        if (!f.always) out.push(filterStage(f.test));
        break;
      }
      case 'JsonParser':
        out.push(step.params.length > 0 ? new JsonExpressionParserStage(slot++, step.params) : new JsonParserStage(slot++));
        break;
      case 'LogfmtParser':
        out.push(step.params.length > 0
          ? new LogfmtExpressionParserStage(slot++, step.params, step.strict)
          : new LogfmtParserStage(slot++, step.strict, step.keepEmpty));
        break;
      case 'RegexpParser': out.push(new RegexpParserStage(slot++, step.regex)); break;
      case 'PatternParser': out.push(new PatternParserStage(step.pattern)); break;
      case 'UnpackParser': out.push(new UnpackParserStage(slot++)); break;
      case 'LabelFilter': {
        const s = labelFilterStage(step.filter);
        if (s !== undefined) out.push(s);
        break;
      }
      case 'LineFormat': out.push(new LineFormatStage(step.template)); break;
      case 'LabelFormat': out.push(new LabelFormatStage(step.formats)); break;
      case 'Drop': out.push(new DropLabelsStage(step.labels)); break;
      case 'Keep': out.push(new KeepLabelsStage(step.labels)); break;
      case 'Decolorize': out.push(new DecolorizeStage()); break;
    }
  }
  return out;
}

/** Labels read by the stages (Loki's ReduceStages(...).RequiredLabelNames()). */
export function requiredLabelNames(stages: readonly Stage[]): string[] {
  const names: string[] = [];
  for (const s of stages) names.push(...s.requiredLabelNames());
  return names;
}
