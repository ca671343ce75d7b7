// Entry for require('@driftwatch/alerting'): the root build (npm run build) compiles src/ into dist/.
module.exports = require('../../dist/libs/alerting/src/index.js');
