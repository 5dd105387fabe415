export { decodePushRequest } from './decode.js';
export type { DecodeOptions, PushRequest, PushStream } from './types.js';
