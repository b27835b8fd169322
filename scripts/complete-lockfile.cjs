#!/usr/bin/env node
// The registry this project installs from carries only the platform builds it needs (Linux), so
// npm leaves other platforms' optional packages (e.g. @unrs/resolver-binding-darwin-arm64) out of
// package-lock.json — and `npm ci` then refuses the lock as out of sync. This adds those optional,
// platform-specific entries back (os/cpu read from the package name), which npm ci skips on other
// platforms without fetching them. Run after `npm install` changes the lock.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const OS = [
	'android',
	'darwin',
	'freebsd',
	'linux',
	'openharmony',
	'win32',
	'sunos',
	'openbsd',
	'netbsd',
	'aix',
	'wasm32',
];
const CPU = [
	'arm64',
	'arm',
	'x64',
	'ia32',
	'loong64',
	'ppc64',
	's390x',
	'riscv64',
	'mips64el',
	'wasm32',
];

function platformOf(name) {
	const base = name.split('/').pop();
	const os = OS.find((candidate) => new RegExp(`(^|-)${candidate}(-|$)`).test(base));
	const cpu = CPU.find((candidate) => new RegExp(`(^|-)${candidate}(-|$)`).test(base));
	return { os, cpu };
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
	for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
		const nested = `${location ? `${location}/` : ''}node_modules/${name}`;
		const hoisted = `node_modules/${name}`;
		if (packages[nested] || packages[hoisted]) continue;
		const { os, cpu } = platformOf(name);
		if (!os || (os === 'linux' && cpu === 'x64')) continue; // only other platforms' builds are stubbed
		if (!/^\d+\.\d+\.\d+/.test(spec)) continue; // ranges cannot be pinned without the registry
		packages[hoisted] = {
			version: spec,
			...(entry.dev ? { dev: true } : {}),
			optional: true,
			os: [os === 'wasm32' ? 'wasi' : os],
			...(cpu ? { cpu: [cpu] } : {}),
		};
		added++;
	}
}
const sorted = Object.fromEntries(
	Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} optional platform entr${added === 1 ? 'y' : 'ies'} added`);
