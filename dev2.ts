import { parseQuery } from './src/logql/syntax/index.js';
const e = parseQuery(process.argv[2]);
console.log(JSON.stringify(e, (k, v) => typeof v === 'bigint' ? v.toString() + 'n' : v, 1).slice(0, 3000));
