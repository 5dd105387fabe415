/** strconv.Unquote for template string literals ("…" with Go escapes, `raw`). */
import { unquote } from '../../syntax/go-strconv.js';

export function unquoteGo(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1).replace(/\r/g, '');
  return unquote(s);
}
