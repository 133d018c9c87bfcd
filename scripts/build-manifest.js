#!/usr/bin/env node
// Writes oclif.manifest.json (the command metadata bvirsh starts from) using
// @oclif/core's own Config/Plugin loading — the `oclif manifest` CLI needs
// Node 22, this needs only @oclif/core. Run after tsc (`npm run build`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

async function main() {
  const root = path.resolve(__dirname, '..');
  const file = path.join(root, 'oclif.manifest.json');
  // A stale manifest would be read back instead of scanning dist/src/commands.
  fs.rmSync(file, { force: true });
  const { Config } = require('@oclif/core');
  const config = await Config.load({ root, devPlugins: false, userPlugins: false });
  const manifest = config.rootPlugin.manifest;
  const ids = Object.keys(manifest.commands);
  if (ids.length === 0) throw new Error('no commands found in dist/src/commands: did tsc run?');
  // Commands sorted by id so the file is stable from build to build. Each also
  // carries its static requiredOptions and argvOption (BaseCommand), which oclif
  // does not record: help and the man page write a required option without
  // brackets, and an ARGV option as `[<domain>]...`.
  const commands = {};
  for (const id of ids.sort()) {
    const cls = await config.findCommand(id).load();
    const entry = { ...manifest.commands[id] };
    if (Array.isArray(cls.requiredOptions) && cls.requiredOptions.length > 0) entry.requiredOptions = [...cls.requiredOptions];
    if (typeof cls.argvOption === 'string') entry.argvOption = cls.argvOption;
    commands[id] = entry;
  }
  fs.writeFileSync(file, JSON.stringify({ ...manifest, commands }, null, 2) + '\n');
  process.stdout.write(`oclif.manifest.json: ${ids.length} commands\n`);
}

main().catch((err) => {
  process.stderr.write(`build-manifest: ${err.stack || err}\n`);
  process.exit(1);
});
