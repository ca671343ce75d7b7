// Public API of @driftwatch/format: numbers and text tables as people read them, one definition
// for the demo, the CLI, email and Slack. No dependencies, so any lib or app can use it.

export { formatNumber, formatPercent, MISSING } from './number';
export { renderTable } from './table';
