/**
 * driftwatch command line (npm run driftwatch -- <command>):
 *   baseline import --model M --name N --file F.csv|F.jsonl [--prediction-column C] [--psi-bins 10]
 *   run --monitor NAME [--config monitors.yaml] [--at ISO-8601]    one run now (or for the window ending at --at)
 *   dead-letters replay [--code C1,C2] [--since ISO] [--until ISO] [--dry-run true]
 *                                  send dead letters back to their topics, e.g. after fixing a producer or raising a limit
 */
import { clickhouseSettingsFromEnv, createClickHouse, ensureDatabase, migrate } from '@driftwatch/clickhouse';
import { loadMonitorConfig } from '@driftwatch/config';
import { DEAD_LETTER_HEADERS, LIMITS, NAME_RE, topicNames } from '@driftwatch/contracts';
import { createKafka, describeKafka, kafkaSettingsFromEnv, replayDeadLetters } from '@driftwatch/kafka';
import { baselineFromRecords, PREDICTION_FEATURE, readDataset, runMonitor, saveBaseline } from '@driftwatch/drift';
import { formatNumber } from '@driftwatch/format';

function options(args: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i]!;
    if (!key.startsWith('--') || args[i + 1] === undefined) throw new Error(`expected --option value pairs, got '${key}'`);
    out.set(key.slice(2), args[i + 1]!);
  }
  return out;
}

function required(opts: Map<string, string>, key: string): string {
  const v = opts.get(key);
  if (!v) throw new Error(`--${key} is required`);
  return v;
}

function timeOption(opts: Map<string, string>, key: string): number | undefined {
  const v = opts.get(key);
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) throw new Error(`--${key} '${v}' is not an ISO-8601 date-time`);
  return ms;
}

async function replay(rest: string[]): Promise<void> {
  const opts = options(rest);
  const dryRun = opts.get('dry-run') === 'true';
  const settings = kafkaSettingsFromEnv(process.env, 'driftwatch-cli');
  const report = await replayDeadLetters(createKafka(settings), {
    deadLetterTopic: topicNames(settings.topicPrefix).deadLetter,
    headers: DEAD_LETTER_HEADERS,
    filter: { codes: opts.get('code')?.split(','), sinceMs: timeOption(opts, 'since'), untilMs: timeOption(opts, 'until') },
    dryRun,
  }).catch((err: Error) => {
    throw new Error(`Kafka ${describeKafka(settings)}: ${err.message}`, { cause: err });
  });
  const matched = Object.values(report.byCode).reduce((a, b) => a + b, 0);
  const codes = Object.entries(report.byCode).map(([code, n]) => `${code} ${formatNumber(n)}`).join(', ');
  console.log(`${dryRun ? 'would replay' : 'replayed'} ${formatNumber(dryRun ? matched : report.replayed)} of ${formatNumber(report.scanned)} dead letters${codes ? ` (${codes})` : ''}`);
}

async function main(argv: string[]): Promise<void> {
  const [group, command, ...rest] = argv;
  if (group === 'dead-letters' && command === 'replay') return replay(rest);
  const settings = clickhouseSettingsFromEnv();
  await ensureDatabase(settings);
  const ch = createClickHouse(settings);
  try {
    await migrate(ch);
    if (group === 'baseline' && command === 'import') {
      const opts = options(rest);
      const model = required(opts, 'model');
      const name = required(opts, 'name');
      for (const [k, v] of [['model', model], ['name', name]]) if (!NAME_RE.test(v!)) throw new Error(`--${k} '${v}' must match ${LIMITS.namePattern}`);
      const file = required(opts, 'file');
      const predictionColumn = opts.get('prediction-column');
      const records = readDataset(file).map((r) => {
        if (!predictionColumn || !(predictionColumn in r)) return r;
        const { [predictionColumn]: prediction, ...features } = r;
        return { ...features, [PREDICTION_FEATURE]: prediction };
      });
      const baseline = baselineFromRecords(name, model, `dataset:${file}`, records, { psiBins: Number(opts.get('psi-bins') ?? 10) });
      await saveBaseline(ch, baseline);
      console.log(`baseline ${baseline.id}: ${formatNumber(records.length)} records, features ${[...baseline.features.values()].map((f) => `${f.feature} (${f.kind})`).join(', ')}`);
      return;
    }
    if (group === 'run') {
      const opts = options([command ?? '', ...rest].filter(Boolean));
      const config = loadMonitorConfig(opts.get('config') ?? process.env.MONITOR_CONFIG ?? 'monitors.yaml');
      const name = required(opts, 'monitor');
      const spec = config.monitors.find((m) => m.name === name);
      if (!spec) throw new Error(`no monitor '${name}' in the config (have: ${config.monitors.map((m) => m.name).join(', ')})`);
      const at = opts.get('at');
      const endMs = at ? Date.parse(at) : Math.floor(Date.now() / 1000) * 1000;
      if (!Number.isFinite(endMs)) throw new Error(`--at '${at}' is not an ISO-8601 date-time`);
      const outcome = await runMonitor(ch, spec, endMs);
      console.log(JSON.stringify(outcome));
      if (outcome.status !== 'ok') process.exitCode = 1;
      return;
    }
    throw new Error(
      'usage: baseline import --model M --name N --file F [--prediction-column C] | run --monitor NAME [--config F] [--at ISO] | dead-letters replay [--code C] [--since ISO] [--until ISO] [--dry-run true]',
    );
  } finally {
    await ch.close();
  }
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`driftwatch: ${err.message}`);
  process.exit(1);
});
