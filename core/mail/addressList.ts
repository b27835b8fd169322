import type { EmailAddress } from '../records/emailRecord';

/**
 * The one address-list parser (RFC 5322 address-list, as people type it and as headers carry it):
 * quoted display names (commas and escaped quotes inside), comments, angle addresses, groups
 * (`Team: a@x.com, b@y.com;`, flattened), bare addresses, and `;` as a separator the way Outlook
 * users type it. Encoded words in display names (RFC 2047) are decoded.
 */

/** An entry of an address list that is not an address; `address` is the text as given. */
export class AddressListError extends Error {
	constructor(
		readonly address: string,
		reason?: string,
	) {
		super(`"${address}" is not an email address${reason ? ` (${reason})` : ''}`);
		this.name = 'AddressListError';
	}
}

type Token =
	| { kind: 'word'; text: string; quoted: boolean }
	| { kind: 'angle'; text: string }
	| { kind: 'comment'; text: string }
	| { kind: 'space' }
	| { kind: ',' | ';' | ':' };

interface Entry {
	tokens: Token[];
	/** The entry as written, for error messages. */
	source: string;
}

/** Reads a delimited run (quoted string, comment, angle address) starting after its opener. */
function readDelimited(
	text: string,
	start: number,
	close: string,
	nests: string | null,
): { value: string; end: number } | null {
	let value = '';
	let depth = 0;
	for (let i = start; i < text.length; i++) {
		const char = text[i];
		if (char === '\\' && close !== '>' && i + 1 < text.length) {
			value += text[++i];
			continue;
		}
		if (nests && char === nests) depth++;
		else if (char === close) {
			if (depth === 0) return { value, end: i + 1 };
			depth--;
		}
		value += char;
	}
	return null;
}

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const char = text[i];
		if (/\s/.test(char)) {
			while (i < text.length && /\s/.test(text[i])) i++;
			tokens.push({ kind: 'space' });
		} else if (char === ',' || char === ';' || char === ':') {
			tokens.push({ kind: char });
			i++;
		} else if (char === '"' || char === '(' || char === '<') {
			const close = char === '"' ? '"' : char === '(' ? ')' : '>';
			const read = readDelimited(text, i + 1, close, char === '(' ? '(' : null);
			const what = char === '"' ? 'a quote' : char === '(' ? 'a parenthesis' : 'an angle bracket';
			if (!read) throw new AddressListError(text.slice(i).trim(), `${what} is not closed`);
			if (char === '"') tokens.push({ kind: 'word', text: read.value, quoted: true });
			else if (char === '(') tokens.push({ kind: 'comment', text: read.value.trim() });
			else tokens.push({ kind: 'angle', text: read.value.trim() });
			i = read.end;
		} else if (char === ')' || char === '>') {
			throw new AddressListError(text.trim(), `"${char}" without its opening pair`);
		} else {
			// An atom, or a bare address with its dots and @; a domain literal keeps its brackets.
			let word = '';
			while (i < text.length && !/[\s,;:"()<>]/.test(text[i])) {
				if (text[i] === '[') {
					const end = text.indexOf(']', i);
					if (end < 0) throw new AddressListError(text.slice(i).trim(), 'a bracket is not closed');
					word += text.slice(i, end + 1);
					i = end + 1;
				} else word += text[i++];
			}
			tokens.push({ kind: 'word', text: word, quoted: false });
		}
	}
	return tokens;
}

// atext: anything printable but specials (RFC 5322 3.2.3), non-ASCII allowed (RFC 6532).
const ATOM = /^[^\s"(),.:;<>@[\\\]\p{Cc}]+$/u;

function isDotAtom(text: string): boolean {
	return text.split('.').every((part) => ATOM.test(part));
}

/** local-part@domain: a dot-atom or quoted local part, a dot-atom or [literal] domain. */
function isAddrSpec(text: string): boolean {
	const at = text.lastIndexOf('@');
	if (at <= 0 || at === text.length - 1) return false;
	const local = text.slice(0, at);
	const domain = text.slice(at + 1);
	const localOk = isDotAtom(local) || /^"(?:[^"\\]|\\.)*"$/.test(local);
	const domainOk = isDotAtom(domain) || /^\[[^[\]\\]*\]$/.test(domain);
	return localOk && domainOk;
}

const ENCODED_WORD = /^=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=$/;

/** RFC 2047 encoded words (=?charset?B|Q?…?=), adjacent ones joined without their spaces. */
function decodeEncodedWords(text: string): string {
	return text
		.replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?)/g, '$1')
		.replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g, (word, charset: string, kind, data) => {
			const bytes =
				kind.toUpperCase() === 'B'
					? Buffer.from(data, 'base64')
					: Buffer.from(
							(data as string)
								.replace(/_/g, ' ')
								.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) =>
									String.fromCharCode(parseInt(hex, 16)),
								),
							'latin1',
						);
			try {
				return new TextDecoder(charset.split('*')[0].toLowerCase(), { fatal: true }).decode(bytes);
			} catch {
				return word;
			}
		});
}

/** A display name from phrase words: quoted strings as written, atoms decoded, one space between. */
function phrase(tokens: Token[]): string | null {
	const parts: string[] = [];
	let spaced = false;
	let previousEncoded = false;
	for (const token of tokens) {
		if (token.kind === 'space') spaced = true;
		else if (token.kind === 'word') {
			const encoded = !token.quoted && ENCODED_WORD.test(token.text);
			// Some mailers quote encoded words; decoding both is what mail clients do.
			const text = decodeEncodedWords(token.text);
			// The space between two encoded words is not part of the name (RFC 2047, 6.2).
			if (parts.length && spaced && !(encoded && previousEncoded)) parts.push(' ');
			parts.push(text);
			spaced = false;
			previousEncoded = encoded;
		}
	}
	const name = parts.join('').replace(/\s+/g, ' ').trim();
	return name || null;
}

function comments(tokens: Token[]): string | null {
	const text = tokens
		.filter((token) => token.kind === 'comment')
		.map((token) => (token as { text: string }).text)
		.join(' ')
		.trim();
	return text ? decodeEncodedWords(text) : null;
}

function mailbox(entry: Entry): EmailAddress {
	const { tokens, source } = entry;
	const angle = tokens.findIndex((token) => token.kind === 'angle');
	if (angle >= 0) {
		const after = tokens.slice(angle + 1);
		if (after.some((token) => token.kind === 'word' || token.kind === 'angle')) {
			throw new AddressListError(source, 'text after the address in angle brackets');
		}
		const before = tokens.slice(0, angle);
		// An obsolete source route (<@relay.example:ann@x.com>) is dropped, as mail servers do.
		const address = (tokens[angle] as { text: string }).text.replace(/^(@[^:]*:)/, '').trim();
		if (!isAddrSpec(address)) throw new AddressListError(source);
		return { name: phrase(before) ?? comments(before) ?? comments(after), email: address };
	}
	// A bare address: its words written together (quoted local parts included), then comments.
	const words = tokens.filter((token) => token.kind === 'word') as Array<{
		text: string;
		quoted: boolean;
	}>;
	const firstWord = tokens.findIndex((token) => token.kind === 'word');
	const lastWord = tokens.length - 1 - [...tokens].reverse().findIndex((t) => t.kind === 'word');
	const inner = tokens.slice(firstWord, lastWord + 1);
	if (inner.some((token) => token.kind !== 'word')) {
		const hint = words.some((word) => word.text.includes('@'))
			? 'put a display name before an address in angle brackets: Name <name@example.com>'
			: undefined;
		throw new AddressListError(source, hint);
	}
	const address = words.map((word) => (word.quoted ? `"${word.text}"` : word.text)).join('');
	if (!isAddrSpec(address)) throw new AddressListError(source);
	return { name: comments(tokens), email: address };
}

function sourceOf(tokens: Token[]): string {
	return tokens
		.map((token) => {
			switch (token.kind) {
				case 'space':
					return ' ';
				case 'word':
					return token.quoted ? `"${token.text.replace(/(["\\])/g, '\\$1')}"` : token.text;
				case 'angle':
					return `<${token.text}>`;
				case 'comment':
					return `(${token.text})`;
				default:
					return token.kind;
			}
		})
		.join('')
		.trim();
}

/**
 * The addresses of an address list, groups flattened, in the order written. Empty entries (a
 * trailing comma, an empty group) are skipped; anything else that is not an address throws an
 * AddressListError naming it.
 */
export function parseAddressList(text: string | null | undefined): EmailAddress[] {
	if (!text || !text.trim()) return [];
	const tokens = tokenize(text);
	const addresses: EmailAddress[] = [];
	let current: Token[] = [];
	let inGroup = false;
	const flush = (separator?: string) => {
		const meaningful = current.some((token) => token.kind === 'word' || token.kind === 'angle');
		if (meaningful) {
			const source = sourceOf(current);
			try {
				addresses.push(mailbox({ tokens: current, source }));
			} catch (error) {
				// "Doe, Bob <bob@example.com>": the comma split a name that needed quotes.
				if (separator === ',' && !source.includes('@')) {
					throw new AddressListError(
						source,
						'a display name with a comma needs quotes: "Doe, Bob" <bob@example.com>',
					);
				}
				throw error;
			}
		} else if (current.some((token) => token.kind === 'comment'))
			throw new AddressListError(sourceOf(current), 'a comment without an address');
		current = [];
	};
	for (const token of tokens) {
		if (token.kind === ',') flush(',');
		else if (token.kind === ';') {
			flush(';');
			inGroup = false;
		} else if (token.kind === ':') {
			// A group's display name ends here; its members follow up to ";" (or the end).
			if (inGroup || current.some((t) => t.kind === 'angle')) {
				throw new AddressListError(sourceOf([...current, token]).trim(), 'a stray ":"');
			}
			if (!phrase(current)) throw new AddressListError(':', 'a group without a name');
			current = [];
			inGroup = true;
		} else current.push(token);
	}
	flush();
	return addresses;
}
