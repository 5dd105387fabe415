import { EMPTY_LABELS, getLabel, type Label, type Labels } from '../../model/labels.js';
import type { Grouping } from '../syntax/ast.js';
import { ERROR_LABEL, PRESERVE_ERROR_LABEL } from './errors.js';

/** `by ()`: every sample in one series without labels (Loki's Grouping.Singleton). */
export const BY_NOTHING: Grouping = Object.freeze({ without: false, labels: Object.freeze([]) as readonly string[] });

export function isSingleton(g: Grouping | undefined): boolean {
  return g !== undefined && !g.without && g.labels.length === 0;
}

// Grouped labels are built like Prometheus' labels.Builder, where an empty value means "absent":
// `sum by (x)` over samples whose x is "" yields {}, not {x=""}.
export function keepNames(labels: Labels, names: ReadonlySet<string>): Labels {
  const out: Label[] = [];
  for (const l of labels) if (names.has(l.name) && l.value !== '') out.push(l);
  return out.length === labels.length ? labels : out;
}

export function dropNames(labels: Labels, names: ReadonlySet<string>): Labels {
  const out: Label[] = [];
  for (const l of labels) if (!names.has(l.name) && l.value !== '') out.push(l);
  return out.length === labels.length ? labels : out;
}

/** The labels of a vector aggregation group: `by` keeps, `without` drops (and __name__, as Prometheus). */
export function groupLabelsFn(g: Grouping | undefined): (labels: Labels) => Labels {
  if (g === undefined) return () => EMPTY_LABELS;
  const names = new Set(g.labels);
  if (!g.without) return (labels) => keepNames(labels, names);
  names.add('__name__');
  return (labels) => dropNames(labels, names);
}

/**
 * The labels a sample keeps at extraction, as Loki's LabelsBuilder.GroupedLabels: `by ()` drops
 * everything (errors included, so `sum(count_over_time(… | json …))` never fails), a sample with
 * __error__ keeps all its labels so the error reaches the range aggregation, else by/without.
 */
export function extractionLabelsFn(g: Grouping | undefined): (labels: Labels) => Labels {
  if (g === undefined) return (labels) => labels;
  if (isSingleton(g)) return () => EMPTY_LABELS;
  const names = new Set(g.labels);
  const group = g.without ? (l: Labels) => dropNames(l, names) : (l: Labels) => keepNames(l, names);
  return (labels) => (getLabel(labels, ERROR_LABEL) !== undefined ? labels : group(labels));
}

/**
 * Whether a series with these labels fails the query: it carries __error__ and the query did not ask
 * for errors (grouping by __error__, which Loki's parser hints turn into __preserve_error__="true").
 */
export function isPipelineFailure(labels: Labels, g: Grouping | undefined): boolean {
  if (getLabel(labels, ERROR_LABEL) === undefined) return false;
  if (getLabel(labels, PRESERVE_ERROR_LABEL) === 'true') return false;
  return !(g !== undefined && !g.without && g.labels.includes(ERROR_LABEL));
}
