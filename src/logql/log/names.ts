/**
 * Label names as small integers, per query: the labels builder keeps per-name state in
 * arrays indexed by id instead of maps cleared on every entry.
 */
export class NameTable {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }

  /** The id of a name already seen, else -1 (lookups must not grow the table). */
  peek(name: string): number {
    const id = this.ids.get(name);
    return id === undefined ? -1 : id;
  }

  get size(): number {
    return this.names.length;
  }
}

export const ERROR_LABEL = '__error__';
export const ERROR_DETAILS_LABEL = '__error_details__';
export const PRESERVE_ERROR_LABEL = '__preserve_error__';
export const DUPLICATE_SUFFIX = '_extracted';

export const ERR_JSON = 'JSONParserErr';
export const ERR_LOGFMT = 'LogfmtParserErr';
export const ERR_LABEL_FILTER = 'LabelFilterErr';
export const ERR_TEMPLATE = 'TemplateFormatErr';
export const ERR_SAMPLE_EXTRACTION = 'SampleExtractionErr';
