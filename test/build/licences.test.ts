// The engine bundle carries third-party code, so the package must carry those packages' licences.
// This bundles core/ again with the build's own esbuild options, takes the packages esbuild's
// metafile names, and finds each in dist/THIRD_PARTY_NOTICES with its version, its licence and
// its licence file's text; and checks that npm would ship the notices.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { build, type Metafile } from 'esbuild';

const root = path.join(__dirname, '../..');
const dist = path.join(root, 'dist');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { engineBundleOptions } = require('../../gulpfile.js') as {
	engineBundleOptions(): Parameters<typeof build>[0];
};

interface BundledPackage {
	name: string;
	version: string;
	licence: string | undefined;
	licenceFiles: string[];
}

function bundledPackages(metafile: Metafile): BundledPackage[] {
	const folders = new Set<string>();
	for (const input of Object.keys(metafile.inputs)) {
		const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
		if (match) folders.add(path.resolve(root, match[1]));
	}
	return [...folders].map((folder) => {
		const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8'));
		return {
			name: manifest.name,
			version: manifest.version,
			licence: typeof manifest.license === 'string' ? manifest.license : manifest.license?.type,
			licenceFiles: readdirSync(folder)
				.filter((file) => /^(licen[cs]e|copying)([-.].*)?$/i.test(file))
				.map((file) => path.join(folder, file)),
		};
	});
}

let packages: BundledPackage[];
let notices: string;

beforeAll(async () => {
	const noticesFile = path.join(dist, 'THIRD_PARTY_NOTICES');
	if (!existsSync(path.join(dist, 'core/index.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
	}
	const result = await build({ ...engineBundleOptions(), write: false, logLevel: 'silent' });
	packages = bundledPackages(result.metafile!);
	notices = existsSync(noticesFile) ? readFileSync(noticesFile, 'utf8') : '';
});

/** The section of the notices that starts with "<name> <version>", up to the next section. */
function sectionOf(pkg: BundledPackage): string | undefined {
	const rule = '='.repeat(80);
	const start = notices.indexOf(`${rule}\n${pkg.name} ${pkg.version}\n`);
	if (start < 0) return undefined;
	const next = notices.indexOf(`\n\n${rule}\n`, start + rule.length * 2);
	return notices.slice(start, next < 0 ? undefined : next);
}

describe('third-party licences', () => {
	it('the engine bundle carries packages from node_modules (knex, pg, zod, the Google clients …)', () => {
		expect(packages.map((pkg) => pkg.name)).toEqual(
			expect.arrayContaining(['knex', 'pg', 'zod', '@googleapis/gmail', 'postal-mime']),
		);
	});

	it('dist/THIRD_PARTY_NOTICES names every bundled package with its version, licence and licence text', () => {
		const problems = packages.flatMap((pkg) => {
			const label = `${pkg.name} ${pkg.version}`;
			const section = sectionOf(pkg);
			if (!section) return [`${label}: missing`];
			const found: string[] = [];
			if (!pkg.licence || !section.includes(`\nLicence: ${pkg.licence}\n`)) {
				found.push(`${label}: licence ${pkg.licence ?? 'none in package.json'} not given`);
			}
			for (const file of pkg.licenceFiles) {
				if (!section.includes(readFileSync(file, 'utf8').trim())) {
					found.push(`${label}: text of ${path.basename(file)} missing`);
				}
			}
			if (pkg.licenceFiles.length === 0 && !section.includes('[licence section of its README]')) {
				found.push(`${label}: no licence text`);
			}
			return found;
		});
		expect(problems).toEqual([]);
	});

	it('names the engine bundle dist/core/engine.js, not its loader stub dist/core/index.js', () => {
		expect(notices).toContain('\nBundled in: dist/core/engine.js');
		expect(notices).not.toContain('dist/core/index.js');
	});

	it('keeps the licence comments of bundled code in the engine bundle', () => {
		expect(readFileSync(path.join(dist, 'core/engine.js'), 'utf8')).toContain(
			'Bundled license information:',
		);
	});

	it('ships the notices in the npm package', () => {
		const [packed] = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
				cwd: root,
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'pipe'],
			}),
		) as Array<{ files: Array<{ path: string }> }>;
		expect(packed.files.map((file) => file.path)).toContain('dist/THIRD_PARTY_NOTICES');
	});
});
