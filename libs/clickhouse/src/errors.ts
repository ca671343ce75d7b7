/**
 * Content errors: ClickHouse answered that it cannot parse or store some rows of an insert. Such
 * an error is a property of the rows (find them, dead-letter them, store the rest); every other
 * failure (no answer, a timeout, memory or part limits, a missing table, a refused login, an error
 * code not listed here) is a property of the server, and the insert is retried as it is.
 * Codes from ClickHouse's src/Common/ErrorCodes.cpp; they are stable across releases.
 */
const CONTENT_ERROR_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  25, // CANNOT_PARSE_ESCAPE_SEQUENCE (e.g. a lone UTF-16 surrogate in JSON)
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  128, // TOO_LARGE_ARRAY_SIZE
  131, // TOO_LARGE_STRING_SIZE
  190, // SIZES_OF_ARRAYS_DOESNT_MATCH
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  395, // FUNCTION_THROW_IF_VALUE_IS_NON_ZERO
  469, // VIOLATED_CONSTRAINT
]);

/**
 * The ClickHouse error code of a server answer, if the error is one. The client puts it in `code`
 * as text when it recognises the server's wording; 18.16 words it "Code: 25, e.displayText() = ..."
 * which the client does not parse, so the message is read too.
 */
export function clickhouseErrorCode(err: unknown): number | undefined {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
    e && typeof e === 'object';
    e = e.cause as typeof e
  ) {
    if (typeof e.code === 'string' && /^\d+$/.test(e.code)) return Number(e.code);
    const m = typeof e.message === 'string' ? /^Code: (\d+)[.,]/.exec(e.message) : null;
    if (m) return Number(m[1]);
  }
  return undefined;
}

export function isContentError(err: unknown): boolean {
  const code = clickhouseErrorCode(err);
  return code !== undefined && CONTENT_ERROR_CODES.has(code);
}
