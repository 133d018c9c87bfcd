#!/usr/bin/env -S npx tsx
// Development entry: same CLI on the TypeScript sources (needs tsx).
require('@oclif/core').execute({ development: true, dir: __dirname }).catch(require('@oclif/core/handle'));
