// Base64url as Gmail speaks it: URL-safe alphabet, with '=' padding on output (that is what the
// API returns in `raw` and `body.data`); input is accepted with or without padding and with the
// standard alphabet too, as Google's servers are lenient there.

export function toBase64Url(data: Buffer | string): string {
	const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
	return buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export function fromBase64Url(text: string): Buffer {
	return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/').replace(/\s+/g, ''), 'base64');
}

/** True when `text` is made only of base64 / base64url characters (padding allowed). */
export function isBase64Url(text: string): boolean {
	return /^[A-Za-z0-9_\-+/]*={0,2}$/.test(text.replace(/\s+/g, ''));
}

/** Opaque tokens (page tokens, attachment ids): JSON inside base64url without padding. */
export function encodeToken(value: unknown): string {
	return toBase64Url(JSON.stringify(value)).replace(/=+$/, '');
}

export function decodeToken<T>(token: string): T | undefined {
	try {
		return JSON.parse(fromBase64Url(token).toString('utf8')) as T;
	} catch {
		return undefined;
	}
}
