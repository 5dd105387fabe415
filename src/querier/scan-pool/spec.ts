/** Keys of pipeline specs: a worker compiles each query's pipeline once, under its key. */
let seq = 0;

export function pipelineKey(): string {
  return `q${++seq}`;
}
