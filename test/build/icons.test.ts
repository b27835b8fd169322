// The editor shows a node's or credential's icon from the URL n8n's loader puts in its description
// (`iconUrl`, `icons/<package>/<path in the package>`); a path that points nowhere is a broken image.
// This loads the package with n8n-core's own loader, as n8n loads an installed community package
// (node and credential files from package.json's `n8n` section, built into dist/), and checks that
// every icon URL, light and dark, names a file of the package.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';
import type { ICredentialType, INodeTypeDescription, Themed } from 'n8n-workflow';

const root = path.join(__dirname, '../..');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

let loader: PackageDirectoryLoader;

beforeAll(async () => {
	if (!existsSync(path.join(root, 'dist/core/index.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
	}
	loader = new PackageDirectoryLoader(root);
	await loader.loadAll();
});

/** Where n8n's icon route finds the file of an icon URL: the rest of the URL, in the package folder. */
function iconFile(url: string): string | undefined {
	const prefix = `icons/${packageJson.name}/`;
	if (!url.startsWith(prefix)) return undefined;
	const file = path.resolve(loader.directory, url.slice(prefix.length));
	return file.startsWith(loader.directory + path.sep) && existsSync(file) ? file : undefined;
}

/** What is wrong with one description's icons: none, one for both themes, or files not found. */
function missingIcons(
	label: string,
	described: { icon?: unknown; iconUrl?: Themed<string> },
): string[] {
	const { iconUrl } = described;
	if (!iconUrl) return [`${label}: no icon URL (icon ${JSON.stringify(described.icon)})`];
	if (typeof iconUrl === 'string') return [`${label}: one icon for light and dark (${iconUrl})`];
	return (['light', 'dark'] as const)
		.filter((theme) => !iconUrl[theme] || !iconFile(iconUrl[theme]))
		.map((theme) => `${label} (${theme}): ${iconUrl[theme]}`);
}

describe("icons, as n8n-core's loader resolves them from dist/", () => {
	it('every node version has a light and a dark icon file (Tool variants copy these descriptions)', () => {
		const descriptions = loader.types.nodes as INodeTypeDescription[];
		expect(new Set(descriptions.map((description) => description.name)).size).toBe(
			packageJson.n8n.nodes.length,
		);
		// n8n derives "<Node> Tool" from each description marked usableAsTool, icon URL included.
		expect(descriptions.filter((description) => description.usableAsTool).length).toBeGreaterThan(
			0,
		);
		const missing = descriptions.flatMap((description) =>
			missingIcons(`${description.displayName} v${String(description.version)}`, description),
		);
		expect(missing).toEqual([]);
	});

	it('every credential has a light and a dark icon file', () => {
		const credentials = loader.types.credentials as ICredentialType[];
		expect(credentials).toHaveLength(packageJson.n8n.credentials.length);
		const missing = credentials.flatMap((credential) =>
			missingIcons(credential.displayName, credential),
		);
		expect(missing).toEqual([]);
	});
});
