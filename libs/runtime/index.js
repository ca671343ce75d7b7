// Entry for require('@driftwatch/runtime'): the root build (npm run build) compiles src/ into dist/.
module.exports = require('../../dist/libs/runtime/src/index.js');
