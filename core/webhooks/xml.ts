// A small, strict XML reader for the Atom documents WebSub hubs deliver. Strict on purpose: it
// refuses document types and entity declarations (no external entities, no entity expansion
// bombs), undeclared namespace prefixes, unknown entities and badly nested tags, and it reads at
// most MAX_XML_BYTES. Enough for feeds; not a general XML parser.

export const MAX_XML_BYTES = 1_000_000;
const MAX_DEPTH = 32;

export class MalformedXmlError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'MalformedXmlError';
	}
}

export interface XmlElement {
	/** Namespace URI ('' when none). */
	namespace: string;
	/** Local name, without prefix. */
	name: string;
	/** Attributes by their written name (prefix kept), values decoded. */
	attributes: Record<string, string>;
	children: XmlElement[];
	/** The element's own text (not its children's), decoded, CDATA included. */
	text: string;
}

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

function decodeText(text: string): string {
	return text.replace(/&([^;&\s]{0,12});|&/g, (whole, name: string | undefined) => {
		if (name === undefined) throw new MalformedXmlError('A bare "&" in text');
		if (name in PREDEFINED) return PREDEFINED[name];
		const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(name);
		if (numeric) {
			const code = numeric[1] ? parseInt(numeric[1], 16) : Number(numeric[2]);
			if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
				throw new MalformedXmlError(`An invalid character reference &${name};`);
			}
			return String.fromCodePoint(code);
		}
		throw new MalformedXmlError(`An unknown entity &${name};`);
	});
}

interface OpenElement {
	element: XmlElement;
	qualifiedName: string;
	namespaces: Map<string, string>;
}

function parseAttributes(source: string): Record<string, string> {
	const attributes: Record<string, string> = {};
	const pattern = /\s*([^\s=/>]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/gy;
	let index = 0;
	while (index < source.length) {
		if (/^\s*$/.test(source.slice(index))) break;
		pattern.lastIndex = index;
		const match = pattern.exec(source);
		if (!match) throw new MalformedXmlError('An attribute that cannot be read');
		const name = match[1];
		if (!NAME.test(name) && !/^xmlns(:[A-Za-z_][\w.-]*)?$/.test(name)) {
			throw new MalformedXmlError(`An invalid attribute name "${name.slice(0, 40)}"`);
		}
		if (name in attributes) throw new MalformedXmlError(`The attribute "${name}" appears twice`);
		attributes[name] = decodeText(match[2] ?? match[3] ?? '');
		index = pattern.lastIndex;
	}
	return attributes;
}

function resolve(qualifiedName: string, namespaces: Map<string, string>, isAttribute = false) {
	const colon = qualifiedName.indexOf(':');
	if (colon < 0) {
		return { namespace: isAttribute ? '' : (namespaces.get('') ?? ''), name: qualifiedName };
	}
	const prefix = qualifiedName.slice(0, colon);
	const namespace = prefix === 'xml' ? XML_NAMESPACE : namespaces.get(prefix);
	if (namespace === undefined) {
		throw new MalformedXmlError(`The namespace prefix "${prefix}" is not declared`);
	}
	return { namespace, name: qualifiedName.slice(colon + 1) };
}

/** Parses a whole document into its root element, or throws MalformedXmlError. */
export function parseXml(input: string | Buffer): XmlElement {
	if (input.length > MAX_XML_BYTES) {
		throw new MalformedXmlError(`The document is larger than ${MAX_XML_BYTES} bytes`);
	}
	let source = typeof input === 'string' ? input : input.toString('utf8');
	if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
	if (/<!DOCTYPE|<!ENTITY/i.test(source)) {
		throw new MalformedXmlError('Document types and entity declarations are not accepted');
	}
	const stack: OpenElement[] = [];
	let root: XmlElement | undefined;
	let index = 0;
	const appendText = (text: string, decoded: boolean) => {
		const value = decoded ? text : decodeText(text);
		const current = stack[stack.length - 1];
		if (current) current.element.text += value;
		else if (value.trim() !== '') throw new MalformedXmlError('Text outside the root element');
	};
	while (index < source.length) {
		const open = source.indexOf('<', index);
		if (open < 0) {
			appendText(source.slice(index), false);
			break;
		}
		if (open > index) appendText(source.slice(index, open), false);
		if (source.startsWith('<?', open)) {
			const end = source.indexOf('?>', open + 2);
			if (end < 0) throw new MalformedXmlError('An unterminated processing instruction');
			index = end + 2;
			continue;
		}
		if (source.startsWith('<!--', open)) {
			const end = source.indexOf('-->', open + 4);
			if (end < 0) throw new MalformedXmlError('An unterminated comment');
			index = end + 3;
			continue;
		}
		if (source.startsWith('<![CDATA[', open)) {
			const end = source.indexOf(']]>', open + 9);
			if (end < 0) throw new MalformedXmlError('An unterminated CDATA section');
			if (stack.length === 0) throw new MalformedXmlError('CDATA outside the root element');
			appendText(source.slice(open + 9, end), true);
			index = end + 3;
			continue;
		}
		if (source.startsWith('<!', open))
			throw new MalformedXmlError('A declaration inside the document');
		const close = source.indexOf('>', open + 1);
		if (close < 0) throw new MalformedXmlError('An unterminated tag');
		const tag = source.slice(open + 1, close);
		index = close + 1;
		if (tag.startsWith('/')) {
			const name = tag.slice(1).trim();
			const current = stack.pop();
			if (!current || current.qualifiedName !== name) {
				throw new MalformedXmlError(`The closing tag </${name.slice(0, 40)}> does not match`);
			}
			continue;
		}
		const selfClosing = tag.endsWith('/');
		const body = selfClosing ? tag.slice(0, -1) : tag;
		const nameMatch = /^([^\s/>]+)/.exec(body);
		if (!nameMatch || !NAME.test(nameMatch[1])) throw new MalformedXmlError('An invalid tag name');
		const qualifiedName = nameMatch[1];
		const attributes = parseAttributes(body.slice(qualifiedName.length));
		const parentNamespaces = stack[stack.length - 1]?.namespaces ?? new Map<string, string>();
		let namespaces = parentNamespaces;
		for (const [attribute, value] of Object.entries(attributes)) {
			if (attribute === 'xmlns' || attribute.startsWith('xmlns:')) {
				if (namespaces === parentNamespaces) namespaces = new Map(parentNamespaces);
				namespaces.set(attribute === 'xmlns' ? '' : attribute.slice(6), value);
			}
		}
		for (const attribute of Object.keys(attributes)) {
			if (!attribute.startsWith('xmlns')) resolve(attribute, namespaces, true);
		}
		const element: XmlElement = {
			...resolve(qualifiedName, namespaces),
			attributes,
			children: [],
			text: '',
		};
		const parent = stack[stack.length - 1];
		if (parent) parent.element.children.push(element);
		else if (root) throw new MalformedXmlError('More than one root element');
		else root = element;
		if (!selfClosing) {
			if (stack.length >= MAX_DEPTH) throw new MalformedXmlError('Elements nested too deeply');
			stack.push({ element, qualifiedName, namespaces });
		}
	}
	if (stack.length > 0)
		throw new MalformedXmlError(`<${stack[stack.length - 1].qualifiedName}> is not closed`);
	if (!root) throw new MalformedXmlError('No root element');
	return root;
}

/** The first child with this namespace and local name. */
export function childOf(
	element: XmlElement,
	namespace: string,
	name: string,
): XmlElement | undefined {
	return element.children.find((child) => child.namespace === namespace && child.name === name);
}

/** All children with this namespace and local name. */
export function childrenOf(element: XmlElement, namespace: string, name: string): XmlElement[] {
	return element.children.filter((child) => child.namespace === namespace && child.name === name);
}
