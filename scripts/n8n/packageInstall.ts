// Installs this package into an n8n user folder the way n8n installs a community package: the
// published tarball (`npm pack`, so exactly the files package.json ships) unpacked into
// `<user folder>/.n8n/nodes/node_modules/n8n-nodes-crm-connect`, listed in nodes/package.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export function installPackageInto(userFolder: string): string {
	const { name, version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
		name: string;
		version: string;
	};
	const scratch = mkdtempSync(path.join(os.tmpdir(), 'crm-connect-pack-'));
	try {
		const [packed] = JSON.parse(
			execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], {
				cwd: root,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'pipe'],
			}),
		) as Array<{ filename: string }>;
		const nodesDir = path.join(userFolder, '.n8n', 'nodes');
		const target = path.join(nodesDir, 'node_modules', name);
		rmSync(target, { recursive: true, force: true });
		mkdirSync(target, { recursive: true });
		execFileSync('tar', [
			'-xzf',
			path.join(scratch, packed.filename),
			'-C',
			target,
			'--strip-components=1',
		]);
		writeFileSync(
			path.join(nodesDir, 'package.json'),
			`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [name]: version } }, null, 2)}\n`,
		);
		return target;
	} finally {
		rmSync(scratch, { recursive: true, force: true });
	}
}
