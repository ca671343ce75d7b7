import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One row of vega-datasets' flights data (US domestic flights, 2001). */
export interface Flight {
  date: string;
  delay: number;
  distance: number;
  origin: string;
  destination: string;
}

/** The package exports only its JS entry: find its data/ folder from there. */
export function vegaDataFile(file: string): string {
  let dir = dirname(require.resolve('vega-datasets'));
  while (!existsSync(join(dir, 'data', file))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`vega-datasets has no data/${file}`);
    dir = up;
  }
  return join(dir, 'data', file);
}

export function loadFlights(file = 'flights-20k.json'): Flight[] {
  return JSON.parse(readFileSync(vegaDataFile(file), 'utf8')) as Flight[];
}

/** Features a delay model would see: numbers and categories straight from the data. */
export function flightFeatures(f: Flight): Record<string, number | string> {
  const [day, time] = f.date.split(' ') as [string, string];
  const date = new Date(`${day.replace(/\//g, '-')}T00:00:00Z`);
  return {
    distance: f.distance,
    dep_hour: Number(time.split(':')[0]),
    weekday: date.getUTCDay(),
    origin: f.origin,
    destination: f.destination,
  };
}

/** A stand-in model: a fixed linear score of distance and departure hour (minutes of delay). */
export function predictDelay(features: Record<string, number | string>): number {
  return Math.round((-4 + 0.004 * Number(features.distance) + 0.9 * Number(features.dep_hour)) * 10) / 10;
}

/** A deterministic shuffle (Fisher-Yates with a fixed LCG), so a replay is the same every run. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
