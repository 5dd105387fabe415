/**
 * Stream label rules (Loki's Validator.ValidateLabels), checked in Loki's order: no labels,
 * too many names (service_name not counted), then per label in sorted order: name length,
 * value length (both in bytes), duplicate name.
 */
import type { LimitsConfig } from '../../config/types.js';
import * as msg from './messages.js';
import { Reason } from './messages.js';
import { SERVICE_NAME, type StreamLabels } from './stream-labels.js';
import { byteLength } from './structured-metadata.js';

export interface Rejection {
  reason: Reason;
  message: string;
}

export function validateStreamLabels(stream: StreamLabels, limits: LimitsConfig): Rejection | undefined {
  const { labels, key } = stream;
  if (labels.length === 0) return { reason: Reason.MissingLabels, message: msg.missingLabels() };
  if (stream.internal) return undefined;
  let count = labels.length;
  if (labels.some((l) => l.name === SERVICE_NAME)) count--;
  if (count > limits.max_label_names_per_series) {
    return { reason: Reason.MaxLabelNamesPerSeries, message: msg.tooManyLabelNames(key, count, limits.max_label_names_per_series) };
  }
  let prev = '';
  for (const l of labels) {
    if (byteLength(l.name) > limits.max_label_name_length) {
      return { reason: Reason.LabelNameTooLong, message: msg.labelNameTooLong(key, l.name) };
    }
    if (byteLength(l.value) > limits.max_label_value_length) {
      return { reason: Reason.LabelValueTooLong, message: msg.labelValueTooLong(key, l.value) };
    }
    if (l.name === prev) return { reason: Reason.DuplicateLabelNames, message: msg.duplicateLabelName(key, l.name) };
    prev = l.name;
  }
  return undefined;
}
