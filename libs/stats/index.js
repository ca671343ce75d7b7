// Entry for require('@driftwatch/stats'): the root build (npm run build) compiles src/ into dist/.
module.exports = require('../../dist/libs/stats/src/index.js');
