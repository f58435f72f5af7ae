#!/usr/bin/env node
// Committed (not built) so that npm links `xborder` when it installs the workspace, before the build.
'use strict';
const { main } = require('../dist/main.js');
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
