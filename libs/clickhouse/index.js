// Entry for require('@driftwatch/clickhouse'): the root build (npm run build) compiles src/ into dist/.
module.exports = require('../../dist/libs/clickhouse/src/index.js');
