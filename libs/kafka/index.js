// Entry for require('@driftwatch/kafka'): the root build (npm run build) compiles src/ into dist/.
module.exports = require('../../dist/libs/kafka/src/index.js');
