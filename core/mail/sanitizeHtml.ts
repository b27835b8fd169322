// HTML of a received email made safe to show: formatting, tables, inline images and the email's
// own style sheets (filtered like inline styles) are kept; anything that runs (script, event
// handlers, javascript:/vbscript: URLs, CSS expressions), loads from elsewhere (remote images, CSS
// url() and @import, fonts, <link>, iframes, objects, <base>, meta refresh) or submits (forms) is
// removed. Links open in a new browsing context without an opener or a referrer. The widget still
// shows the result in a sandboxed frame with a CSP (defence in depth).
import { Parser } from 'htmlparser2';
import postcss, { type ChildNode, type Container } from 'postcss';
import sanitize from 'sanitize-html';

const ALLOWED_TAGS = [
	'a',
	'abbr',
	'address',
	'b',
	'bdi',
	'bdo',
	'big',
	'blockquote',
	'br',
	'caption',
	'center',
	'cite',
	'code',
	'col',
	'colgroup',
	'dd',
	'del',
	'dfn',
	'div',
	'dl',
	'dt',
	'em',
	'font',
	'figcaption',
	'figure',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'hr',
	'i',
	'img',
	'ins',
	'kbd',
	'li',
	'mark',
	'ol',
	'p',
	'pre',
	'q',
	's',
	'samp',
	'small',
	'span',
	'strike',
	'strong',
	'sub',
	'sup',
	'table',
	'tbody',
	'td',
	'tfoot',
	'th',
	'thead',
	'time',
	'tr',
	'tt',
	'u',
	'ul',
	'var',
	'wbr',
];

const LAYOUT_ATTRIBUTES = [
	'align',
	'valign',
	'width',
	'height',
	'bgcolor',
	'dir',
	'lang',
	'title',
	'style',
	// The email's own style sheet (kept, filtered) selects by class.
	'class',
];

/** A CSS value without a function call, escape or at-rule (so no url(), expression(), image-set()). */
const PLAIN_VALUE = /^[^()\\@;<>]*$/;
/** Colours written as functions are fine: rgb(), rgba(), hsl(), hsla() with numbers only. */
const COLOR_FUNCTION = /^(?:rgba?|hsla?)\(\s*[\d.\s,%/]+\)$/i;
const CSS_VALUE = [PLAIN_VALUE, COLOR_FUNCTION];

const ALLOWED_STYLE_PROPERTIES = [
	'color',
	'background-color',
	'font',
	'font-family',
	'font-size',
	'font-style',
	'font-weight',
	'font-variant',
	'line-height',
	'letter-spacing',
	'word-spacing',
	'text-align',
	'text-decoration',
	'text-indent',
	'text-transform',
	'white-space',
	'vertical-align',
	'direction',
	'width',
	'max-width',
	'min-width',
	'height',
	'max-height',
	'min-height',
	'margin',
	'margin-top',
	'margin-right',
	'margin-bottom',
	'margin-left',
	'padding',
	'padding-top',
	'padding-right',
	'padding-bottom',
	'padding-left',
	'border',
	'border-top',
	'border-right',
	'border-bottom',
	'border-left',
	'border-color',
	'border-style',
	'border-width',
	'border-radius',
	'border-collapse',
	'border-spacing',
	'display',
	'float',
	'clear',
	'list-style-type',
	'table-layout',
];

/** Raster images inline (data:) or as a part of the message (cid:); remote images are dropped. */
const INLINE_IMAGE =
	/^(?:cid:[^\s"'<>]+|data:image\/(?:png|gif|jpe?g|webp|bmp);base64,[A-Za-z0-9+/=\s]+)$/i;

const OPTIONS: sanitize.IOptions = {
	allowedTags: ALLOWED_TAGS,
	allowedAttributes: {
		'*': LAYOUT_ATTRIBUTES,
		a: ['href', 'name', 'target', 'rel', ...LAYOUT_ATTRIBUTES],
		img: ['src', 'alt', 'border', ...LAYOUT_ATTRIBUTES],
		font: ['color', 'face', 'size', ...LAYOUT_ATTRIBUTES],
		table: ['border', 'cellpadding', 'cellspacing', 'summary', ...LAYOUT_ATTRIBUTES],
		td: ['colspan', 'rowspan', 'nowrap', 'abbr', ...LAYOUT_ATTRIBUTES],
		th: ['colspan', 'rowspan', 'nowrap', 'abbr', 'scope', ...LAYOUT_ATTRIBUTES],
		col: ['span', ...LAYOUT_ATTRIBUTES],
		colgroup: ['span', ...LAYOUT_ATTRIBUTES],
		ol: ['start', 'type', 'reversed', ...LAYOUT_ATTRIBUTES],
		ul: ['type', ...LAYOUT_ATTRIBUTES],
		li: ['value', ...LAYOUT_ATTRIBUTES],
		time: ['datetime', ...LAYOUT_ATTRIBUTES],
		q: ['cite', ...LAYOUT_ATTRIBUTES],
		blockquote: ['cite', ...LAYOUT_ATTRIBUTES],
	},
	allowedSchemes: ['http', 'https', 'mailto', 'tel'],
	allowedSchemesByTag: { img: ['data', 'cid'] },
	allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
	allowProtocolRelative: false,
	allowedStyles: {
		'*': Object.fromEntries(ALLOWED_STYLE_PROPERTIES.map((property) => [property, CSS_VALUE])),
	},
	// Their text is dropped too (script, style, title …), not only the tags.
	nonTextTags: [
		'script',
		'style',
		'textarea',
		'option',
		'noscript',
		'title',
		'head',
		'template',
		'xmp',
		'iframe',
		'object',
		'embed',
		'applet',
		'noembed',
		'noframes',
		'select',
		'svg',
		'math',
	],
	disallowedTagsMode: 'discard',
	transformTags: {
		a: (tagName, attribs) => {
			const attributes: Record<string, string> = { ...attribs };
			// Only links that will keep their href (the scheme filter runs after this) open elsewhere.
			if (/^\s*(?:https?:\/\/|mailto:|tel:)/i.test(attributes.href ?? '')) {
				attributes.target = '_blank';
				attributes.rel = 'noopener noreferrer';
			} else {
				delete attributes.target;
				delete attributes.rel;
			}
			return { tagName, attribs: attributes };
		},
		img: (tagName, attribs) => {
			const attributes: Record<string, string> = { ...attribs };
			const src = (attributes.src ?? '').trim();
			if (!INLINE_IMAGE.test(src)) delete attributes.src;
			return { tagName, attribs: attributes };
		},
	},
	// An image left without a source shows nothing: drop it (its alt text would be lost anyway).
	exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

/** Style sheets beyond this size are not kept (newsletters use a few KB). */
const MAX_STYLE_SHEET_CHARS = 100_000;
/** A media query of plain words, numbers and units: `screen and (max-width: 600px)`. */
const PLAIN_MEDIA_QUERY = /^[a-z0-9\s(),:.-]*$/i;
const STYLE_PROPERTIES = new Set(ALLOWED_STYLE_PROPERTIES);

/** The text of every <style> element, as the HTML parser reads it (a raw text element). */
function styleSheetsOf(html: string): string {
	let inStyle = 0;
	let text = '';
	const parser = new Parser({
		onopentagname: (name) => {
			if (name === 'style') inStyle++;
		},
		ontext: (chunk) => {
			if (inStyle > 0) text += chunk;
		},
		onclosetag: (name) => {
			if (name === 'style' && inStyle > 0) {
				inStyle--;
				text += '\n';
			}
		},
	});
	parser.write(html);
	parser.end();
	return text;
}

/** Keeps, in place, the rules and declarations a style attribute could hold; drops the rest. */
function filterStyleNodes(container: Container<ChildNode>): void {
	container.each((node) => {
		if (node.type === 'rule') {
			node.each((child) => {
				const keep =
					child.type === 'decl' &&
					STYLE_PROPERTIES.has(child.prop.toLowerCase()) &&
					CSS_VALUE.some((pattern) => pattern.test(child.value.trim()));
				if (!keep) child.remove();
			});
			if (node.nodes.length === 0 || /[<\\@]/.test(node.selector)) node.remove();
		} else if (node.type === 'atrule' && node.name.toLowerCase() === 'media') {
			if (!PLAIN_MEDIA_QUERY.test(node.params)) {
				node.remove();
				return;
			}
			filterStyleNodes(node);
			if (!node.nodes || node.nodes.length === 0) node.remove();
		} else {
			// @import, @font-face, @keyframes, @namespace …, comments, stray declarations.
			node.remove();
		}
	});
}

/**
 * The email's style sheets, filtered like its inline styles: rules of allowed properties with plain
 * values (no url(), no function but rgb()/hsl(), no escape), inside @media at most. Nothing can
 * load or close the element: a sheet that still holds `<` after filtering is dropped whole.
 */
function safeStyleSheet(html: string): string {
	// Most mail has no sheet: spare it a second parse.
	if (!/<style/i.test(html)) return '';
	const sheets = styleSheetsOf(html);
	if (sheets.trim() === '' || sheets.length > MAX_STYLE_SHEET_CHARS) return '';
	let root: postcss.Root;
	try {
		root = postcss.parse(sheets);
	} catch {
		return ''; // not CSS a browser would read the same way: leave it out
	}
	filterStyleNodes(root);
	const css = root.toString().trim();
	return css === '' || css.includes('<') ? '' : css;
}

/** Safe HTML to show for an email's HTML body (empty input gives ''). */
export function sanitizeEmailHtml(html: string | null | undefined): string {
	if (!html) return '';
	const body = sanitize(html, OPTIONS);
	const styleSheet = safeStyleSheet(html);
	return styleSheet ? `<style>${styleSheet}</style>${body}` : body;
}
