// Entry for require('@driftwatch/config'): the root build (npm run build) compiles src/ into dist/.
module.exports = require('../../dist/libs/config/src/index.js');
