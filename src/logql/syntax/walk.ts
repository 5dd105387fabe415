/** Small traversals shared by the query paths. */
import type { Expr, LogSelector, RangeAggregation, SampleExpr } from './ast.js';

/** The range aggregations of a metric expression, left to right. */
export function rangeAggregations(e: Expr): RangeAggregation[] {
  const out: RangeAggregation[] = [];
  const visit = (n: SampleExpr): void => {
    switch (n.kind) {
      case 'RangeAggregation': out.push(n); return;
      case 'VectorAggregation': case 'LabelReplace': visit(n.expr); return;
      case 'BinaryOp': visit(n.left); visit(n.right); return;
      default: return;
    }
  };
  if (e.kind !== 'LogSelector') visit(e);
  return out;
}

/** Every stream selector a query reads, left to right. */
export function logSelectors(e: Expr): LogSelector[] {
  return e.kind === 'LogSelector' ? [e] : rangeAggregations(e).map((r) => r.range.selector);
}
