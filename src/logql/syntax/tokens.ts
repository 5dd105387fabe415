/**
 * Token kinds, numbered in the order Loki's grammar declares them: syntax error
 * messages list expected tokens in that order ("expecting } or ,").
 */
export const enum Tok {
  EOF = 0,
  BYTES = 4, IDENTIFIER, STRING, NUMBER, PARSER_FLAG, DURATION, RANGE,
  MATCHERS, LABELS, EQ, RE, NRE, NPA, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET,
  COMMA, DOT, PIPE_MATCH, PIPE_EXACT, PIPE_PATTERN, OPEN_PARENTHESIS, CLOSE_PARENTHESIS,
  BY, WITHOUT, COUNT_OVER_TIME, RATE, RATE_COUNTER, SUM, SORT, SORT_DESC, AVG, MAX, MIN, COUNT,
  STDDEV, STDVAR, BOTTOMK, TOPK, APPROX_TOPK, BYTES_OVER_TIME, BYTES_RATE, BOOL, JSON, REGEXP,
  LOGFMT, PIPE, LINE_FMT, LABEL_FMT, UNWRAP, AVG_OVER_TIME, SUM_OVER_TIME, MIN_OVER_TIME,
  MAX_OVER_TIME, STDVAR_OVER_TIME, STDDEV_OVER_TIME, QUANTILE_OVER_TIME, BYTES_CONV,
  DURATION_CONV, DURATION_SECONDS_CONV, FIRST_OVER_TIME, LAST_OVER_TIME, ABSENT_OVER_TIME,
  VECTOR, LABEL_REPLACE, UNPACK, OFFSET, PATTERN, IP, ON, IGNORING, GROUP_LEFT, GROUP_RIGHT,
  DECOLORIZE, DROP, KEEP,
  OR, AND, UNLESS, CMP_EQ, NEQ, LT, LTE, GT, GTE, ADD, SUB, MUL, DIV, MOD, POW,
}

/** Keywords and punctuation, matched case-insensitively (Loki's `tokens` map). */
export const KEYWORDS: ReadonlyMap<string, Tok> = new Map<string, Tok>([
  [',', Tok.COMMA], ['.', Tok.DOT], ['{', Tok.OPEN_BRACE], ['}', Tok.CLOSE_BRACE], ['=', Tok.EQ],
  ['!=', Tok.NEQ], ['=~', Tok.RE], ['!~', Tok.NRE], ['!>', Tok.NPA], ['|=', Tok.PIPE_EXACT],
  ['|~', Tok.PIPE_MATCH], ['|>', Tok.PIPE_PATTERN], ['|', Tok.PIPE], ['unwrap', Tok.UNWRAP],
  ['(', Tok.OPEN_PARENTHESIS], [')', Tok.CLOSE_PARENTHESIS], ['by', Tok.BY], ['without', Tok.WITHOUT],
  ['bool', Tok.BOOL], ['[', Tok.OPEN_BRACKET], [']', Tok.CLOSE_BRACKET], ['label_replace', Tok.LABEL_REPLACE],
  ['offset', Tok.OFFSET], ['on', Tok.ON], ['ignoring', Tok.IGNORING], ['group_left', Tok.GROUP_LEFT],
  ['group_right', Tok.GROUP_RIGHT], ['or', Tok.OR], ['and', Tok.AND], ['unless', Tok.UNLESS],
  ['+', Tok.ADD], ['-', Tok.SUB], ['*', Tok.MUL], ['/', Tok.DIV], ['%', Tok.MOD], ['^', Tok.POW],
  ['==', Tok.CMP_EQ], ['>', Tok.GT], ['>=', Tok.GTE], ['<', Tok.LT], ['<=', Tok.LTE],
  ['json', Tok.JSON], ['regexp', Tok.REGEXP], ['logfmt', Tok.LOGFMT], ['unpack', Tok.UNPACK],
  ['pattern', Tok.PATTERN], ['label_format', Tok.LABEL_FMT], ['line_format', Tok.LINE_FMT],
  ['ip', Tok.IP], ['decolorize', Tok.DECOLORIZE], ['drop', Tok.DROP], ['keep', Tok.KEEP],
]);

/** Words that are tokens only when followed by `(` or `by|without (` (Loki's `functionTokens`). */
export const FUNCTION_WORDS: ReadonlyMap<string, Tok> = new Map<string, Tok>([
  ['rate', Tok.RATE], ['rate_counter', Tok.RATE_COUNTER], ['count_over_time', Tok.COUNT_OVER_TIME],
  ['bytes_rate', Tok.BYTES_RATE], ['bytes_over_time', Tok.BYTES_OVER_TIME], ['avg_over_time', Tok.AVG_OVER_TIME],
  ['sum_over_time', Tok.SUM_OVER_TIME], ['min_over_time', Tok.MIN_OVER_TIME], ['max_over_time', Tok.MAX_OVER_TIME],
  ['stdvar_over_time', Tok.STDVAR_OVER_TIME], ['stddev_over_time', Tok.STDDEV_OVER_TIME],
  ['quantile_over_time', Tok.QUANTILE_OVER_TIME], ['first_over_time', Tok.FIRST_OVER_TIME],
  ['last_over_time', Tok.LAST_OVER_TIME], ['absent_over_time', Tok.ABSENT_OVER_TIME], ['vector', Tok.VECTOR],
  ['sum', Tok.SUM], ['avg', Tok.AVG], ['max', Tok.MAX], ['min', Tok.MIN], ['count', Tok.COUNT],
  ['stddev', Tok.STDDEV], ['stdvar', Tok.STDVAR], ['bottomk', Tok.BOTTOMK], ['topk', Tok.TOPK],
  ['sort', Tok.SORT], ['sort_desc', Tok.SORT_DESC], ['label_replace', Tok.LABEL_REPLACE],
  ['approx_topk', Tok.APPROX_TOPK], ['bytes', Tok.BYTES_CONV], ['duration', Tok.DURATION_CONV],
  ['duration_seconds', Tok.DURATION_SECONDS_CONV], ['ip', Tok.IP],
]);

const NAMES = new Map<Tok, string>();
{
  const yaccNames = ['BYTES', 'IDENTIFIER', 'STRING', 'NUMBER', 'PARSER_FLAG', 'DURATION', 'RANGE',
    'MATCHERS', 'LABELS', 'EQ', 'RE', 'NRE', 'NPA', 'OPEN_BRACE', 'CLOSE_BRACE', 'OPEN_BRACKET', 'CLOSE_BRACKET',
    'COMMA', 'DOT', 'PIPE_MATCH', 'PIPE_EXACT', 'PIPE_PATTERN', 'OPEN_PARENTHESIS', 'CLOSE_PARENTHESIS',
    'BY', 'WITHOUT', 'COUNT_OVER_TIME', 'RATE', 'RATE_COUNTER', 'SUM', 'SORT', 'SORT_DESC', 'AVG', 'MAX', 'MIN', 'COUNT',
    'STDDEV', 'STDVAR', 'BOTTOMK', 'TOPK', 'APPROX_TOPK', 'BYTES_OVER_TIME', 'BYTES_RATE', 'BOOL', 'JSON', 'REGEXP',
    'LOGFMT', 'PIPE', 'LINE_FMT', 'LABEL_FMT', 'UNWRAP', 'AVG_OVER_TIME', 'SUM_OVER_TIME', 'MIN_OVER_TIME',
    'MAX_OVER_TIME', 'STDVAR_OVER_TIME', 'STDDEV_OVER_TIME', 'QUANTILE_OVER_TIME', 'BYTES_CONV',
    'DURATION_CONV', 'DURATION_SECONDS_CONV', 'FIRST_OVER_TIME', 'LAST_OVER_TIME', 'ABSENT_OVER_TIME',
    'VECTOR', 'LABEL_REPLACE', 'UNPACK', 'OFFSET', 'PATTERN', 'IP', 'ON', 'IGNORING', 'GROUP_LEFT', 'GROUP_RIGHT',
    'DECOLORIZE', 'DROP', 'KEEP',
    'OR', 'AND', 'UNLESS', 'CMP_EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'POW'];
  yaccNames.forEach((n, i) => NAMES.set((i + 4) as Tok, n));
  // The generated parser names keyword tokens by their text.
  for (const [text, tok] of KEYWORDS) NAMES.set(tok, text);
  NAMES.set(Tok.EOF, '$end');
}

/** The name a syntax error uses for a token: `$end`, `IDENTIFIER`, `}`, `offset`, `SUM`. */
export function tokName(t: Tok): string {
  return NAMES.get(t) ?? '$unk';
}
