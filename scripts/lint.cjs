#!/usr/bin/env node
// `npm run lint`: n8n's community-node ESLint rules and ours, Prettier, and the TypeScript type
// check (tests only transpile, so this is where type errors surface). Runs all three and fails if
// any failed.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const steps = [
	['ESLint', 'eslint', ['.', '--max-warnings=0']],
	['Prettier', 'prettier', ['--check', '--log-level=warn', '.']],
	['TypeScript', 'tsc', ['--noEmit', '-p', 'tsconfig.json']],
];
let failed = 0;
for (const [label, command, args] of steps) {
	const started = Date.now();
	const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
	const ok = result.status === 0;
	if (!ok) failed++;
	console.log(`${ok ? '✓' : '✗'} ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
process.exit(failed ? 1 : 0);
