'use strict';
// A fingerprint of everything dist/ is built from (path, size and modification time of each
// source file), written by every build into dist/.build-inputs, so `npm start` rebuilds only when
// a source changed.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const INPUT_FOLDERS = ['core', 'nodes', 'credentials', 'migrations', 'workflows', 'widgets'];
const INPUT_FILES = ['package.json', 'gulpfile.js', 'tsconfig.json', 'tsconfig.build.json'];
const STAMP = path.join(root, 'dist', '.build-inputs');

function* filesUnder(dir) {
	if (!fs.existsSync(dir)) return;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		if (entry.name === 'node_modules') continue;
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) yield* filesUnder(full);
		else yield full;
	}
}

function sourceFingerprint() {
	const hash = createHash('sha256');
	const files = [
		...INPUT_FOLDERS.flatMap((folder) => [...filesUnder(path.join(root, folder))]),
		...INPUT_FILES.map((file) => path.join(root, file)).filter((file) => fs.existsSync(file)),
	].sort();
	for (const file of files) {
		const stat = fs.statSync(file);
		hash.update(`${path.relative(root, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
	}
	return hash.digest('hex');
}

/** Records what the build that just finished was made from. */
function writeBuildStamp(fingerprint = sourceFingerprint()) {
	fs.mkdirSync(path.dirname(STAMP), { recursive: true });
	fs.writeFileSync(STAMP, fingerprint);
}

function isBuildCurrent() {
	return fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === sourceFingerprint();
}

module.exports = { sourceFingerprint, writeBuildStamp, isBuildCurrent };
