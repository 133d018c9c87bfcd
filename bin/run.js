#!/usr/bin/env node
// Production entry: runs the compiled commands in dist/.
require('@oclif/core').execute({ dir: __dirname }).catch(require('@oclif/core/handle'));
