// The widget bundle as the CRM API node serves it (`<base>/widgets.js`): the built, self-contained
// ES module dist/widgets/crm-connect.js, read once (again when the file changes), with an ETag so
// browsers revalidate cheaply. Public code: any page may load it (ES modules load in CORS mode).
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Where the built bundle is: beside the engine bundle in the package (dist/core/engine.js →
 * dist/widgets/crm-connect.js), or dist/widgets/ of the checkout when the engine runs from its
 * sources (tests).
 */
export const WIDGET_BUNDLE_CANDIDATES = [
	path.join(__dirname, '..', 'widgets', 'crm-connect.js'),
	path.join(__dirname, '..', '..', 'dist', 'widgets', 'crm-connect.js'),
];

export interface StaticAsset {
	status: number;
	headers: Record<string, string>;
	body?: Buffer;
}

interface CachedBundle {
	mtimeMs: number;
	size: number;
	body: Buffer;
	etag: string;
}

const bundles = new Map<string, CachedBundle>();
/** How long a browser may use the bundle before it asks again (it revalidates with the ETag). */
const MAX_AGE_SECONDS = 300;

async function readBundle(files: readonly string[]): Promise<CachedBundle | undefined> {
	let stat;
	let file: string | undefined;
	for (const candidate of files) {
		try {
			stat = await fs.stat(candidate);
			file = candidate;
			break;
		} catch {
			// not there: the next place
		}
	}
	if (!stat || !file) return undefined;
	const cached = bundles.get(file);
	if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached;
	const body = await fs.readFile(file);
	const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
	const fresh = { mtimeMs: stat.mtimeMs, size: stat.size, body, etag };
	bundles.set(file, fresh);
	return fresh;
}

function matchesEtag(header: string | undefined, etag: string): boolean {
	if (!header) return false;
	return header
		.split(',')
		.map((tag) => tag.trim().replace(/^W\//, ''))
		.some((tag) => tag === etag || tag === '*');
}

/** The answer to GET widgets.js (304 when the browser's copy is current, 404 before a build). */
export async function widgetBundleAnswer(
	ifNoneMatch: string | undefined,
	files: readonly string[] = WIDGET_BUNDLE_CANDIDATES,
): Promise<StaticAsset> {
	const bundle = await readBundle(files);
	if (!bundle) {
		return {
			status: 404,
			headers: {
				'content-type': 'application/json; charset=utf-8',
				'cache-control': 'no-store',
			},
			body: Buffer.from(
				JSON.stringify({
					error: {
						code: 'not_found',
						message:
							'The widget bundle is not built (npm run build writes dist/widgets/crm-connect.js)',
					},
				}),
			),
		};
	}
	const headers = {
		etag: bundle.etag,
		'cache-control': `public, max-age=${MAX_AGE_SECONDS}, must-revalidate`,
		'access-control-allow-origin': '*',
		'cross-origin-resource-policy': 'cross-origin',
		'x-content-type-options': 'nosniff',
	};
	if (matchesEtag(ifNoneMatch, bundle.etag)) return { status: 304, headers };
	return {
		status: 200,
		headers: { ...headers, 'content-type': 'text/javascript; charset=utf-8' },
		body: bundle.body,
	};
}
