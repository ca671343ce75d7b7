// Entry for require('@driftwatch/contracts'): the root build (npm run build) compiles src/ into dist/.
module.exports = require('../../dist/libs/contracts/src/index.js');
