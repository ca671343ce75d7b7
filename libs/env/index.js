// Entry for require('@driftwatch/env'): the root build (npm run build) compiles src/ into dist/.
module.exports = require('../../dist/libs/env/src/index.js');
