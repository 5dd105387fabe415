/**
 * libuv's thread pool runs every asynchronous file operation: WAL writes and fsyncs (which a
 * push waits for) and chunk flushes share it. Its default of 4 threads let a flush of many
 * chunk objects (before chunk packs) queue the WAL's fsyncs behind it, which showed as push
 * latency for every tenant; flushes and the index listings of queries still share it with the WAL.
 * Sized before anything uses the pool (this module is imported first); an operator's
 * UV_THREADPOOL_SIZE is left alone.
 */
const DEFAULT_THREADPOOL_SIZE = '16';

process.env.UV_THREADPOOL_SIZE ??= DEFAULT_THREADPOOL_SIZE;
