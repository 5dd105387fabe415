export { validatePush } from './validate-push.js';
export { formatPushErrors } from './format-errors.js';
export type { Discarded, ValidationResult } from './types.js';
export { parseLabels, LabelParseError } from './label-parser.js';
