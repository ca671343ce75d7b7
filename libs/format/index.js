// Entry for require('@driftwatch/format'): the root build (npm run build) compiles src/ into dist/.
module.exports = require('../../dist/libs/format/src/index.js');
