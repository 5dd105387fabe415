/** Metric query evaluation: range and vector aggregations, binary operations, label_replace. */
export { evaluate } from './evaluate.js';
export { formatMatrix, formatResult, formatScalar, formatTimestampMs, formatVector, lokiScalarTimestamp } from './format.js';
export type { EngineContext, EngineResult, EvalParams, MatrixSeries, VectorSample } from './types.js';
