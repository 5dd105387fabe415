/** The LogQL log pipeline: line filters, parsers, label filters, formatters, sample extraction. */
export type {
  LogPipeline, PipelineOutput, ResultLabels, SampleExtractor, SampleOutput, StreamPipeline, StreamSampleExtractor,
} from './types.js';
export { compileLogPipeline } from './pipeline.js';
export { compileSampleExtractor, injectedGrouping, type ExtractorOptions } from './sample-extractor.js';
export { Template as GoTemplate, ExecError as TemplateExecError } from './template/index.js';
