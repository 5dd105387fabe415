/** The LogQL log pipeline: line filters, parsers, label filters, formatters, sample extraction. */
export type {
  LogPipeline, PipelineOutput, ResultLabels, SampleExtractor, SampleOutput, StreamPipeline, StreamSampleExtractor,
} from './types.js';
export { compileLogPipeline, newPipelineOutput } from './pipeline.js';
export { compileSampleExtractor, injectedGrouping, newSampleOutput, type ExtractorOptions } from './sample-extractor.js';
export { Template as GoTemplate, ExecError as TemplateExecError } from './template/index.js';
