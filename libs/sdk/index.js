// Entry for require('@driftwatch/sdk'): the root build (npm run build) compiles src/ into dist/.
module.exports = require('../../dist/libs/sdk/src/index.js');
