/**
 * Opaque Graph identifiers. Exchange ids are URL-safe base64 blobs; the emulator packs the
 * facts it needs to resolve an id back to a virtual item (account, kind, position, and for
 * regular message ids the folder and move count) so nothing has to be stored per id.
 *
 * - Regular message ids ("AAMk…") embed the folder: they change when a message moves, as
 *   Exchange's entry ids do, and an old regular id stops resolving.
 * - Immutable ids ("AAkA…", returned with `Prefer: IdType="ImmutableId"`) never change.
 */
import { createHash } from 'node:crypto';

const REGULAR_MAGIC = Buffer.from('000324', 'hex'); // base64 starts "AAMk"
const IMMUTABLE_MAGIC = Buffer.from('00092e', 'hex'); // base64 starts "AAku"
const CONVERSATION_MAGIC = Buffer.from('000424', 'hex'); // base64 starts "AAQk"

export type IdKind = 'message' | 'folder' | 'event' | 'calendar';
const KIND_BYTE: Record<IdKind, number> = {
	message: 0x4d,
	folder: 0x46,
	event: 0x45,
	calendar: 0x43,
};

const accountHashes = new Map<string, Buffer>();

/** 12 bytes identifying the account, so an id from one mailbox never resolves in another. */
export function accountHash(accountId: string): Buffer {
	let hash = accountHashes.get(accountId);
	if (!hash) {
		hash = createHash('sha256').update(`graph-account:${accountId}`).digest().subarray(0, 12);
		accountHashes.set(accountId, hash);
	}
	return hash;
}

export function toGraphBase64(bytes: Buffer): string {
	return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

export function fromGraphBase64(id: string): Buffer | undefined {
	if (!/^[A-Za-z0-9_-]+=*$/.test(id)) return undefined;
	return Buffer.from(id.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function uint48(value: number): Buffer {
	const buffer = Buffer.alloc(6);
	buffer.writeUIntBE(value, 0, 6);
	return buffer;
}

function folderHash(folderKey: string): Buffer {
	return createHash('sha256').update(folderKey).digest().subarray(0, 4);
}

export interface DecodedId {
	immutable: boolean;
	kind: IdKind;
	position: number;
	/** regular message ids only: hash of the folder and the move count they were minted for */
	folderHash?: Buffer;
	moves?: number;
}

export function immutableId(accountId: string, kind: IdKind, position: number): string {
	return toGraphBase64(
		Buffer.concat([
			IMMUTABLE_MAGIC,
			accountHash(accountId),
			Buffer.from([KIND_BYTE[kind]]),
			uint48(position),
		]),
	);
}

export function regularMessageId(
	accountId: string,
	position: number,
	folderKey: string,
	moves: number,
): string {
	const movesBytes = Buffer.alloc(2);
	movesBytes.writeUInt16BE(moves & 0xffff);
	return toGraphBase64(
		Buffer.concat([
			REGULAR_MAGIC,
			accountHash(accountId),
			Buffer.from([KIND_BYTE.message]),
			folderHash(folderKey),
			movesBytes,
			uint48(position),
			Buffer.from([0, 0]), // keeps the "AAA=" tail real ids have
		]),
	);
}

/** Folders, events and calendars keep one id form (their ids do not change on move). */
export function regularId(accountId: string, kind: Exclude<IdKind, 'message'>, position: number) {
	return toGraphBase64(
		Buffer.concat([
			REGULAR_MAGIC,
			accountHash(accountId),
			Buffer.from([KIND_BYTE[kind]]),
			uint48(position),
			Buffer.from([0, 0]),
		]),
	);
}

export function decodeId(accountId: string, id: string): DecodedId | undefined {
	const bytes = fromGraphBase64(id);
	if (!bytes || bytes.length < 3 + 12 + 1 + 6) return undefined;
	const hash = accountHash(accountId);
	if (!bytes.subarray(3, 15).equals(hash)) return undefined;
	const kindByte = bytes[15];
	const kind = (Object.keys(KIND_BYTE) as IdKind[]).find((k) => KIND_BYTE[k] === kindByte);
	if (!kind) return undefined;
	if (bytes.subarray(0, 3).equals(IMMUTABLE_MAGIC)) {
		if (bytes.length !== 22) return undefined;
		return { immutable: true, kind, position: bytes.readUIntBE(16, 6) };
	}
	if (!bytes.subarray(0, 3).equals(REGULAR_MAGIC)) return undefined;
	if (kind === 'message') {
		if (bytes.length !== 30) return undefined;
		return {
			immutable: false,
			kind,
			folderHash: bytes.subarray(16, 20),
			moves: bytes.readUInt16BE(20),
			position: bytes.readUIntBE(22, 6),
		};
	}
	if (bytes.length !== 24) return undefined;
	return { immutable: false, kind, position: bytes.readUIntBE(16, 6) };
}

export function regularIdMatchesFolder(decoded: DecodedId, folderKey: string, moves: number) {
	return (
		decoded.folderHash !== undefined &&
		decoded.folderHash.equals(folderHash(folderKey)) &&
		decoded.moves === (moves & 0xffff)
	);
}

/** Conversation ids group a thread; `threadKey` is the generator's thread id or a new key. */
export function conversationId(accountId: string, threadKey: string): string {
	return toGraphBase64(
		Buffer.concat([
			CONVERSATION_MAGIC,
			accountHash(accountId),
			createHash('sha256').update(threadKey).digest().subarray(0, 16),
		]),
	);
}

/** A short stable hash used for change keys and etags. */
export function changeKey(...parts: (string | number)[]): string {
	const digest = createHash('sha256').update(parts.join('\u0000')).digest().subarray(0, 12);
	return toGraphBase64(Buffer.concat([Buffer.from('0900000016', 'hex'), digest]));
}

const KEYED_MAGIC = Buffer.from('000346', 'hex'); // base64 starts "AANG"

/**
 * Ids for items addressed by a string key (calendar events and their occurrences): the key is
 * carried inside the id, behind the account hash, so it round-trips without a lookup table.
 */
export function keyedId(accountId: string, kind: IdKind, key: string): string {
	return toGraphBase64(
		Buffer.concat([
			KEYED_MAGIC,
			accountHash(accountId),
			Buffer.from([KIND_BYTE[kind]]),
			Buffer.from(key, 'utf8'),
		]),
	);
}

export function decodeKeyedId(
	accountId: string,
	id: string,
): { kind: IdKind; key: string } | undefined {
	const bytes = fromGraphBase64(id);
	if (!bytes || bytes.length < 17 || !bytes.subarray(0, 3).equals(KEYED_MAGIC)) return undefined;
	if (!bytes.subarray(3, 15).equals(accountHash(accountId))) return undefined;
	const kind = (Object.keys(KIND_BYTE) as IdKind[]).find((k) => KIND_BYTE[k] === bytes[15]);
	if (!kind) return undefined;
	return { kind, key: bytes.subarray(16).toString('utf8') };
}
