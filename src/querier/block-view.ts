/** Blocks read for a query: metadata decoded on first use (the code lives with the block format). */
export { BlockView, viewBlock, viewColumns } from '../chunk/block.js';
