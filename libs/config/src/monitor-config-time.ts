/**
 * The time values of the monitor config: durations (`window: 1h`), cron schedules and the ISO-8601
 * times of a baseline range. Each check returns what was expected instead of throwing, so the
 * config parser can report every problem of a file at once.
 */

export const DURATION_EXPECTED = 'a duration like 30s, 15m, 1h, 7d';

const DURATION_RE = /^(\d{1,16})([smhdw])$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;

/** Milliseconds of `<int><unit>` with unit s, m, h, d or w, or undefined. Zero is refused: every duration here is a window. */
export function durationMs(text: unknown): number | undefined {
  const match = typeof text === 'string' ? DURATION_RE.exec(text) : null;
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as Unit];
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * Parses `<int>(s|m|h|d|w)`: `90s`, `15m`, `1h`, `7d`, `2w`. No spaces, no fractions, no
 * combinations (`1h30m`: write `90m`), greater than zero.
 *
 * @returns milliseconds
 * @throws {RangeError} for anything else
 * @example parseDuration('15m'); // 900000
 */
export function parseDuration(text: string): number {
  const ms = durationMs(text);
  if (ms === undefined)
    throw new RangeError(`${JSON.stringify(text)} is not a duration: expected ${DURATION_EXPECTED}`);
  return ms;
}

/**
 * The inverse of {@link parseDuration}: the largest unit that divides `ms` exactly, so
 * `formatDuration(parseDuration(x))` names the same duration (`7d` comes back as `1w`).
 * 0 gives `0s`; a value that is not whole seconds gives milliseconds (`1500ms`, for logs only:
 * parseDuration does not read it).
 *
 * @throws {RangeError} for a negative, fractional or unsafe number
 * @example formatDuration(5_400_000); // '90m'
 */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new RangeError(`${ms} is not a duration in milliseconds: expected a non-negative integer`);
  if (ms === 0) return '0s';
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

export const CRON_EXPECTED =
  'a cron schedule of 5 fields (minute hour day-of-month month day-of-week) or 6 (second first)';

const CRON_FIELDS = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  // 0 and 7 are both Sunday, as in Vixie cron and the `cron` package behind @nestjs/schedule.
  { name: 'day-of-week', min: 0, max: 7 },
] as const;

// One list element: *, */n, a, a-b or a-b/n.
const CRON_ELEMENT_RE = /^(?:\*(?:\/(\d+))?|(\d+)(?:-(\d+)(?:\/(\d+))?)?)$/;

function cronFieldValid(text: string, min: number, max: number): boolean {
  return text.split(',').every((element) => {
    const match = CRON_ELEMENT_RE.exec(element);
    if (!match) return false;
    const [, starStep, from, to, rangeStep] = match;
    const step = starStep ?? rangeStep;
    if (step !== undefined && (Number(step) < 1 || Number(step) > max)) return false;
    if (from === undefined) return true;
    const a = Number(from);
    const b = to === undefined ? a : Number(to);
    return a >= min && b <= max && a <= b;
  });
}

/**
 * Checks a cron schedule: 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds
 * first; each field a comma list of n, *, *\/n, a-b or a-b/n within the field's range. Names (MON,
 * JAN), `?`, `L`, `W` and `@hourly` are refused: the schedule must mean the same to every reader.
 *
 * @returns undefined when valid, else what was expected (naming the first bad field)
 */
export function cronProblem(schedule: unknown): string | undefined {
  if (typeof schedule !== 'string') return CRON_EXPECTED;
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return CRON_EXPECTED;
  const specs = fields.length === 6 ? CRON_FIELDS : CRON_FIELDS.slice(1);
  for (const [i, field] of fields.entries()) {
    const spec = specs[i];
    if (spec === undefined) return CRON_EXPECTED; // cannot happen: specs has one entry per field
    const { name, min, max } = spec;
    if (!cronFieldValid(field, min, max)) {
      return `a cron schedule whose ${name} field (${JSON.stringify(field)}) holds ${min}-${max} as n, *, */n, a-b, a-b/n or a list a,b,c`;
    }
  }
  return undefined;
}

export const ISO_TIME_EXPECTED = 'an ISO-8601 time with a zone, like 2024-01-31T00:00:00Z or 2024-01-31T01:00:00+01:00';

const ISO_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Epoch milliseconds of `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`, or undefined. Unlike
 * Date.parse it refuses impossible dates (2024-02-30) and a missing zone (which Date.parse would
 * read as local time). Digits past milliseconds are dropped.
 */
export function isoTimeMs(text: unknown): number | undefined {
  const match = typeof text === 'string' ? ISO_TIME_RE.exec(text) : null;
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  // Groups 1-6 are not optional in ISO_TIME_RE, so a match always has them.
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined
  )
    return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
    return undefined;
  let offsetMinutes = 0;
  if (match[8] !== undefined) {
    const offsetHours = Number(match[9]);
    const offsetMins = Number(match[10]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (match[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = match[7] === undefined ? 0 : Number(match[7].padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime() - offsetMinutes * 60_000;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = DAYS_IN_MONTH[month - 1];
  if (days === undefined) throw new RangeError(`month ${month} is not 1-12`);
  return month === 2 && leap ? 29 : days;
}
