// Development entry only (not shipped: the package ships dist/): when this repo runs its own
// programs under ts-node, the host (plain node) loads the TypeScript provider through here.
require('ts-node').register({ transpileOnly: true });
module.exports = require('../provider/provider');
