// Entry for require('@driftwatch/drift'): the root build (npm run build) compiles src/ into dist/.
module.exports = require('../../dist/libs/drift/src/index.js');
