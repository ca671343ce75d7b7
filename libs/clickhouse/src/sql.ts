/**
 * The one place that turns values into ClickHouse SQL text. ClickHouse 18.16 has no query
 * parameters, so every value that reaches a query goes through `literal` and every name through
 * `identifier`. Both follow ClickHouse's lexer: inside '...' and `...` a backslash escapes the
 * next character, so we escape backslash, the quote itself and control characters.
 */
export class SqlValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlValueError';
  }
}

const CONTROL: Record<string, string> = {
  '\\': '\\\\',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function escapeBody(text: string, quote: "'" | '`'): string {
  let out = '';
  for (const ch of text) {
    if (ch === quote) out += `\\${quote}`;
    else if (CONTROL[ch] !== undefined) out += CONTROL[ch];
    else if (ch < ' ' || ch === '\x7f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

export type SqlScalar = string | number | bigint | boolean | null | Date;
export type SqlValue = SqlScalar | readonly SqlValue[];

/** The IEEE-754 bit pattern of a double, as an unsigned decimal. */
function doubleBits(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString();
}

/** Renders a value as a ClickHouse literal: 'text', 12.5, NULL, [1, 2], '2026-01-02 03:04:05'. */
export function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return `'${escapeBody(value, "'")}'`;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SqlValueError(`cannot render ${value} as a SQL literal`);
    // repr that ClickHouse parses back to the same double. 18.16 refuses subnormals (|x| < 2^-1022)
    // as number literals and rounds the smallest to 0 from text: give it their bits instead
    if (value !== 0 && Math.abs(value) < 2.2250738585072014e-308)
      return `reinterpretAsFloat64(reinterpretAsString(toUInt64(${doubleBits(value)})))`;
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new SqlValueError('cannot render an invalid Date as a SQL literal');
    return `toDateTime(${literal(formatDateTime(value))}, 'UTC')`;
  }
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  throw new SqlValueError(`cannot render a value of type ${typeof value} as a SQL literal`);
}

/** Renders a database, table or column name as a quoted identifier: `name`. */
export function identifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0)
    throw new SqlValueError('an identifier must be a non-empty string');
  return `\`${escapeBody(name, '`')}\``;
}

let lastSecond = Number.NaN;
let lastText = '';

/** UTC 'YYYY-MM-DD hh:mm:ss', the text form of DateTime that every ClickHouse version parses. */
export function formatDateTime(date: Date | number): string {
  const ms = typeof date === 'number' ? date : date.getTime();
  const second = Math.floor(ms / 1000);
  // ingest formats many timestamps of the same second in a row: remember the last one
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().slice(0, 19).replace('T', ' ');
    lastSecond = second;
  }
  return lastText;
}

/** A name that is inserted into SQL unquoted must be a plain identifier (used for database names in DDL). */
export const PLAIN_IDENTIFIER_RE = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export function isPlainIdentifier(name: string): boolean {
  return PLAIN_IDENTIFIER_RE.test(name);
}

/** A fragment that `sql` inserts verbatim: only for SQL built by this lib. */
export class RawSql {
  constructor(readonly text: string) {}
}

export function raw(text: string): RawSql {
  return new RawSql(text);
}

/** Tagged template: values become literals, `raw(...)` fragments go in as they are. */
export function sql(strings: TemplateStringsArray, ...values: (SqlValue | RawSql)[]): string {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += value instanceof RawSql ? value.text : literal(value);
    out += strings[i + 1]!;
  });
  return out;
}
