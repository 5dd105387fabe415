/**
 * Loki's discard reasons (metric label values) and per-stream / per-entry error texts,
 * from pkg/validation/validate.go.
 */

export const Reason = {
  MissingLabels: 'missing_labels',
  InvalidLabels: 'invalid_labels',
  MaxLabelNamesPerSeries: 'max_label_names_per_series',
  LabelNameTooLong: 'label_name_too_long',
  LabelValueTooLong: 'label_value_too_long',
  DuplicateLabelNames: 'duplicate_label_names',
  LineTooLong: 'line_too_long',
  GreaterThanMaxSampleAge: 'greater_than_max_sample_age',
  TooFarInFuture: 'too_far_in_future',
  DisallowedStructuredMetadata: 'disallowed_structured_metadata',
  StructuredMetadataTooLarge: 'structured_metadata_too_large',
  StructuredMetadataTooMany: 'structured_metadata_too_many',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

export const missingLabels = (): string => 'error at least one label pair is required per stream';

export const tooManyLabelNames = (stream: string, n: number, limit: number): string =>
  `entry for stream '${stream}' has ${n} label names; limit ${limit}`;

export const labelNameTooLong = (stream: string, name: string): string =>
  `stream '${stream}' has label name too long: '${name}'`;

export const labelValueTooLong = (stream: string, value: string): string =>
  `stream '${stream}' has label value too long: '${value}'`;

export const duplicateLabelName = (stream: string, name: string): string =>
  `stream '${stream}' has duplicate label name: '${name}'`;

export const lineTooLong = (max: number, stream: string, len: number): string =>
  `Max entry size '${max}' bytes exceeded for stream '${stream}' while adding an entry with length '${len}' bytes`;

export const timestampTooOld = (stream: string, ts: string, oldest: string): string =>
  `entry for stream '${stream}' has timestamp too old: ${ts}, oldest acceptable timestamp is: ${oldest}`;

export const timestampTooNew = (stream: string, ts: string): string =>
  `entry for stream '${stream}' has timestamp too new: ${ts}`;

export const structuredMetadataDisallowed = (stream: string): string =>
  `stream '${stream}' includes structured metadata, but this feature is disallowed. Please see \`limits_config.allow_structured_metadata\` or contact your Loki administrator to enable it.`;

export const structuredMetadataTooLarge = (stream: string, size: number, limit: number): string =>
  `stream '${stream}' has structured metadata too large: '${size}' bytes, limit: '${limit}' bytes. Please see \`limits_config.max_structured_metadata_size\` or contact your Loki administrator to increase it.`;

export const structuredMetadataTooMany = (stream: string, count: number, limit: number): string =>
  `stream '${stream}' has too many structured metadata labels: '${count}', limit: '${limit}'. Please see \`limits_config.max_structured_metadata_entries_count\` or contact your Loki administrator to increase it.`;
