// Builds the package into dist/: nodes and credentials through TypeScript, the engine (core/ with
// knex, pg, zod and the provider clients) as one esbuild bundle that every node requires, icons and
// codex files, the widget bundle, and the workflow templates.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { dest, parallel, series, src } = require('gulp');

const root = __dirname;
const dist = path.join(root, 'dist');

// knex ships a driver for every dialect; only pg is used, the rest must not be bundled.
const UNUSED_DRIVERS = [
	'sqlite3',
	'better-sqlite3',
	'mysql',
	'mysql2',
	'mariadb',
	'mariadb/callback',
	'oracledb',
	'tedious',
	'pg-native',
	'pg-query-stream',
];

function clean(done) {
	fs.rmSync(dist, { recursive: true, force: true });
	done();
}

function compileTypeScript(done) {
	execFileSync(
		process.execPath,
		[require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
		{
			cwd: root,
			stdio: 'inherit',
		},
	);
	done();
}

async function bundleEngine() {
	// tsc emitted core/ file by file as the nodes import it; replace that with one bundle.
	fs.rmSync(path.join(dist, 'core'), { recursive: true, force: true });
	const esbuild = require('esbuild');
	await esbuild.build({
		entryPoints: [path.join(root, 'core/index.ts')],
		outfile: path.join(dist, 'core/index.js'),
		bundle: true,
		platform: 'node',
		target: 'node24',
		format: 'cjs',
		external: UNUSED_DRIVERS,
		legalComments: 'none',
		logLevel: 'warning',
	});
	// The provider base URLs, alone: credentials import them without loading the engine.
	await esbuild.build({
		entryPoints: [path.join(root, 'core/providers/endpoints.ts')],
		outfile: path.join(dist, 'core/providers/endpoints.js'),
		platform: 'node',
		target: 'node24',
		format: 'cjs',
		logLevel: 'warning',
	});
}

async function bundleWidgets() {
	const entry = path.join(root, 'widgets/index.ts');
	if (!fs.existsSync(entry)) return;
	const esbuild = require('esbuild');
	await esbuild.build({
		entryPoints: [entry],
		outfile: path.join(dist, 'widgets/crm-connect.js'),
		bundle: true,
		minify: true,
		format: 'esm',
		target: 'es2022',
		tsconfig: path.join(root, 'widgets/tsconfig.json'),
		logLevel: 'warning',
	});
}

function copyIcons() {
	// encoding: false, or gulp 5 reads PNGs as UTF-8 text and corrupts them.
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], {
		base: root,
		cwd: root,
		encoding: false,
		allowEmpty: true,
	}).pipe(dest(dist));
}

function copyCodex() {
	return src('nodes/**/*.node.json', { base: root, cwd: root, allowEmpty: true }).pipe(dest(dist));
}

function copyWorkflows() {
	return src('workflows/**/*.json', { base: root, cwd: root, allowEmpty: true }).pipe(dest(dist));
}

exports.clean = clean;
exports.build = series(
	clean,
	compileTypeScript,
	parallel(bundleEngine, bundleWidgets, copyIcons, copyCodex, copyWorkflows),
);
exports.default = exports.build;
