#!/usr/bin/env node
// The registry this project installs from carries only the platform builds it needs (Linux), so
// npm leaves other platforms' optional packages (e.g. @unrs/resolver-binding-darwin-arm64) out of
// package-lock.json — and `npm ci` then refuses the lock as out of sync. This adds those optional,
// platform-specific entries back (os/cpu read from the package name), which npm ci skips on other
// platforms without fetching them, and writes the file in npm's own key order so that the next
// `npm install` leaves it as it is. Run after `npm install` changes the lock.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

// A path argument names another lock (the lockfile test runs this on a copy).
const lockPath = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'package-lock.json'));
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
fs.writeFileSync(lockPath, formatLikeNpm(lock));
console.log(`package-lock.json: ${added} optional platform entr${added === 1 ? 'y' : 'ies'} added`);

/**
 * The lock as npm itself writes it, so that a later `npm install` leaves the file as it is: in
 * every object the keys npm puts first (name, version, lockfileVersion, resolved, integrity,
 * requires, packages, dependencies) in that order, then the others alphabetically in English
 * collation, scalars and arrays before objects; two-space indent and a final newline.
 */
function formatLikeNpm(value) {
	const leading = [
		'name',
		'version',
		'lockfileVersion',
		'resolved',
		'integrity',
		'requires',
		'packages',
		'dependencies',
	];
	const isObject = (item) => item !== null && typeof item === 'object' && !Array.isArray(item);
	const rank = (key) => {
		const index = leading.indexOf(key);
		return index < 0 ? leading.length : index;
	};
	const order = (item) => {
		if (Array.isArray(item)) return item.map(order);
		if (!isObject(item)) return item;
		const entries = Object.entries(item).sort(
			([a, aValue], [b, bValue]) =>
				Number(isObject(aValue)) - Number(isObject(bValue)) ||
				rank(a) - rank(b) ||
				a.localeCompare(b, 'en'),
		);
		return Object.fromEntries(entries.map(([key, entry]) => [key, order(entry)]));
	};
	return `${JSON.stringify(order(value), null, 2)}\n`;
}
