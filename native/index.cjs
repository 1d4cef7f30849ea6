'use strict';
// Loads the addon built by `node scripts/build.mjs` (node-gyp). Throws when it was not built
// or cannot load here (another Node ABI, another platform); glimpse reports why and falls back.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, 'build', 'Release', 'glimpse_native.node');
if (!existsSync(built)) {
  const why = join(__dirname, 'build', 'skipped.txt');
  const reason = existsSync(why) ? readFileSync(why, 'utf8').trim() : 'the addon was not built (run `npm rebuild glimpse-native`)';
  throw new Error(reason);
}
module.exports = require(built);
