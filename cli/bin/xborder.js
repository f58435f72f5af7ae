#!/usr/bin/env node
// Committed (not built) so that npm links `xborder` when it installs the workspace, before the build.
'use strict';
require('../dist/main.js');
