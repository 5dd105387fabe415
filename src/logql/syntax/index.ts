/**
 * LogQL syntax as Loki v3.4 defines it: parsing, validation and printing.
 * parseExpr/formatExpr serve /format_query; parseQuery is what query paths use.
 */
export * from './ast.js';
export { ParseError, stageError } from './errors.js';
export { MAX_DEPTH, MAX_INPUT_SIZE, parseExpr, parseQuery } from './parse.js';
export { MAX_NESTING } from './parser-core.js';
export { formatExpr } from './pretty.js';
export { exprToString, labelFilterString, lineFilterString, matcherString, matchersString } from './printer.js';
export { reorderStages, validateQuery, withoutUselessLineFormat, type PipelineStep } from './validate.js';
export { logSelectors, rangeAggregations } from './walk.js';
export {
  DurationError, formatGoDuration, formatPromDuration, parseDuration, parseGoDuration, parsePromDuration,
} from './duration.js';
export { BytesError, formatBytes, parseBytes } from './bytes.js';
export { formatFixed, formatFloatF, formatFloatG } from './go-format.js';
export { foldBinary, goPow } from './fold.js';
export { NumError, parseFloat64, quote as goQuote } from './go-strconv.js';
export { IpPatternError, ipPatternContains, parseIpAddr, parseIpPattern, type IpAddr, type IpPattern } from './ip.js';
export { PatternError, parsePattern, type PatternPart } from './pattern.js';
export { PathError, parseJsonPath, parseLogfmtKey } from './extraction-path.js';
export { TEMPLATE_FUNCTIONS, templateError } from './template-check.js';
