#!/usr/bin/env node
// `npm run emulator`: bundles the emulator once with esbuild into .tools/emulator/ (rebuilt only
// when a source file is newer), then runs it — in this process under Node 24, else under the
// Node 24 that scripts/node24-install.cjs provides, forwarding signals. ts-node's cold start
// costs seconds; the bundle starts in well under one.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const root = path.join(__dirname, '..', '..');
const entry = path.join(__dirname, 'cli.ts');
const outfile = path.join(root, '.tools', 'emulator', 'cli.cjs');

function newestSourceMtime(dir) {
	let newest = 0;
	for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, item.name);
		if (item.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
		else if (item.name.endsWith('.ts') && !item.name.endsWith('.test.ts')) {
			newest = Math.max(newest, fs.statSync(full).mtimeMs);
		}
	}
	return newest;
}

function ensureBundle() {
	const built = fs.existsSync(outfile) ? fs.statSync(outfile).mtimeMs : 0;
	if (built > newestSourceMtime(__dirname)) return;
	fs.mkdirSync(path.dirname(outfile), { recursive: true });
	const esbuild = require('esbuild');
	esbuild.buildSync({
		entryPoints: [entry],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		packages: 'external',
		sourcemap: 'inline',
		logLevel: 'warning',
	});
	// buildSync leaves esbuild's service process running; it is not needed any more.
	if (typeof esbuild.stop === 'function') esbuild.stop();
}

ensureBundle();
const args = process.argv.slice(2);
const { ensureNode24 } = require(path.join(root, 'scripts', 'node24-install.cjs'));
const binDir = ensureNode24();
if (!binDir) {
	require(outfile)
		.main(args)
		.catch((error) => {
			process.stderr.write(`emulator failed to start: ${error && error.stack}\n`);
			process.exit(1);
		});
} else {
	const child = spawn(path.join(binDir, 'node'), ['--enable-source-maps', outfile, ...args], {
		stdio: 'inherit',
	});
	for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
		process.on(signal, () => child.kill(signal));
	}
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
