// The document an email is shown in: a srcdoc for an <iframe sandbox> with neither allow-scripts nor
// allow-same-origin (no script runs, the frame has an opaque origin and cannot reach the page) and
// a CSP that lets no request leave: images only from data:/cid:, inline styles only, no fonts, no
// forms, no base URL. The server already sanitises the HTML; the frame holds even if it did not.

export const EMAIL_FRAME_CSP =
	"default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'";

/**
 * Links open in a new tab (popups allowed, escaping the sandbox so the linked site works as usual),
 * without referrer or opener. Scripts, same origin, forms, top navigation stay forbidden.
 */
export const EMAIL_FRAME_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';

const ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
};

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/**
 * The srcdoc of one email: its sanitised HTML, else its text in a <pre>. `dark` (text only: HTML
 * mail is designed for a light page) gives light text on a dark background.
 */
export function emailFrameDoc(
	bodyHtml: string | null,
	bodyText: string | null,
	dark = false,
): string {
	const body = bodyHtml ?? (bodyText === null ? '' : `<pre>${escapeHtml(bodyText)}</pre>`);
	return (
		'<!doctype html><html><head><meta charset="utf-8">' +
		`<meta http-equiv="Content-Security-Policy" content="${EMAIL_FRAME_CSP}">` +
		'<meta name="referrer" content="no-referrer"><base target="_blank">' +
		`<style>:root{color-scheme:${dark ? 'dark' : 'light'}}body{background:${dark ? '#0d1117' : '#fff'};margin:8px;font:14px/1.5 system-ui,sans-serif;` +
		'overflow-wrap:anywhere}pre{white-space:pre-wrap;font:inherit}img{max-width:100%;height:auto}</style>' +
		`</head><body>${body}</body></html>`
	);
}
