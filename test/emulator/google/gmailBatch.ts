// Google's batch wire format (https://developers.google.com/gmail/api/guides/batch): a
// multipart/mixed body whose parts are `application/http` messages, each one a whole HTTP request;
// the answer is a multipart/mixed body of HTTP responses, `Content-ID: <response-ID>` echoing each
// request's Content-ID. Outer headers other than Content-* apply to every inner request.

import { parseHeaderBlock, parseStructuredHeader, splitHeaderBody } from './gmailMime';

export interface BatchInnerRequest {
	contentId?: string; // without angle brackets
	method: string;
	url: string; // path + query
	headers: Record<string, string | undefined>;
	body: Buffer;
}

export interface BatchInnerResponse {
	contentId?: string;
	status: number;
	headers?: Record<string, string>;
	body?: unknown;
}

export class BatchFormatError extends Error {}

export function boundaryOf(contentType: string | undefined): string | undefined {
	const ct = parseStructuredHeader(contentType);
	return ct.value.startsWith('multipart/') ? ct.params.boundary : undefined;
}

export function splitParts(body: Buffer, boundary: string): Buffer[] {
	const text = body.toString('latin1');
	const delimiter = '--' + boundary;
	const parts: Buffer[] = [];
	const lines = text.split(/\r?\n/);
	let current: string[] | undefined;
	for (const line of lines) {
		if (line.startsWith(delimiter)) {
			if (current) parts.push(Buffer.from(current.join('\r\n'), 'latin1'));
			if (line.startsWith(delimiter + '--')) {
				return parts;
			}
			current = [];
		} else if (current) {
			current.push(line);
		}
	}
	if (current && current.length > 0) parts.push(Buffer.from(current.join('\r\n'), 'latin1'));
	return parts;
}

function stripOrigin(target: string): string {
	const m = /^https?:\/\/[^/]+(\/.*)?$/i.exec(target);
	return m ? m[1] || '/' : target;
}

export function parseBatchRequest(
	body: Buffer,
	contentType: string | undefined,
	outerHeaders: Record<string, string | undefined>,
): BatchInnerRequest[] {
	const boundary = boundaryOf(contentType);
	if (!boundary) {
		throw new BatchFormatError('Content-Type must be multipart/mixed with a boundary');
	}
	const inherited: Record<string, string | undefined> = {};
	for (const [name, value] of Object.entries(outerHeaders)) {
		if (!name.startsWith('content-') && name !== 'host' && name !== 'connection') {
			inherited[name] = value;
		}
	}
	return splitParts(body, boundary).map((part) => {
		const { head, body: http } = splitHeaderBody(part);
		const partHeaders = parseHeaderBlock(head, false);
		const contentIdHeader = partHeaders.find((h) => h.name.toLowerCase() === 'content-id')?.value;
		const { head: requestHead, body: requestBody } = splitHeaderBody(http);
		const [requestLine, ...headerLines] = requestHead.toString('latin1').split(/\r?\n/);
		const m = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/\d(?:\.\d)?)?\s*$/.exec(requestLine.trim());
		if (!m) {
			throw new BatchFormatError(`Invalid request line in batch part: ${requestLine}`);
		}
		const headers: Record<string, string | undefined> = { ...inherited };
		for (const h of parseHeaderBlock(Buffer.from(headerLines.join('\r\n'), 'latin1'), false)) {
			headers[h.name.toLowerCase()] = h.value;
		}
		// Trailing CRLFs before the next boundary belong to the multipart framing, not the body.
		let end = requestBody.length;
		while (end > 0 && (requestBody[end - 1] === 0x0a || requestBody[end - 1] === 0x0d)) end--;
		return {
			contentId: contentIdHeader?.replace(/^<|>$/g, ''),
			method: m[1],
			url: stripOrigin(m[2]),
			headers,
			body: requestBody.subarray(0, end),
		};
	});
}

const STATUS_TEXT: Record<number, string> = {
	200: 'OK',
	204: 'No Content',
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	409: 'Conflict',
	410: 'Gone',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	503: 'Service Unavailable',
};

export function serializeBatchResponse(responses: BatchInnerResponse[], boundary: string): Buffer {
	const chunks: Buffer[] = [];
	for (const r of responses) {
		let payload: Buffer;
		const headers: Record<string, string> = { ...(r.headers ?? {}) };
		if (r.body === undefined || r.body === null) {
			payload = Buffer.alloc(0);
		} else if (Buffer.isBuffer(r.body)) {
			payload = r.body;
		} else if (typeof r.body === 'string') {
			payload = Buffer.from(r.body, 'utf8');
		} else {
			payload = Buffer.from(JSON.stringify(r.body, null, 2), 'utf8');
			headers['Content-Type'] ??= 'application/json; charset=UTF-8';
		}
		const lowerNames = Object.keys(headers).map((k) => k.toLowerCase());
		if (!lowerNames.includes('content-length')) headers['Content-Length'] = String(payload.length);
		let head = `--${boundary}\r\nContent-Type: application/http\r\n`;
		if (r.contentId !== undefined) head += `Content-ID: <response-${r.contentId}>\r\n`;
		head += `\r\nHTTP/1.1 ${r.status} ${STATUS_TEXT[r.status] ?? 'Unknown'}\r\n`;
		for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
		head += '\r\n';
		chunks.push(Buffer.from(head, 'utf8'), payload, Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return Buffer.concat(chunks);
}

/** Parses a batch response (used by tests and by clients written against the emulator). */
export function parseBatchResponse(
	body: Buffer | string,
	contentType: string,
): { contentId?: string; status: number; headers: Record<string, string>; body: string }[] {
	const boundary = boundaryOf(contentType);
	if (!boundary) throw new BatchFormatError('not a multipart response');
	const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
	return splitParts(buf, boundary).map((part) => {
		const { head, body: http } = splitHeaderBody(part);
		const contentId = parseHeaderBlock(head, false)
			.find((h) => h.name.toLowerCase() === 'content-id')
			?.value.replace(/^<|>$/g, '')
			.replace(/^response-/, '');
		const { head: responseHead, body: responseBody } = splitHeaderBody(http);
		const [statusLine, ...headerLines] = responseHead.toString('utf8').split(/\r?\n/);
		const headers: Record<string, string> = {};
		for (const h of parseHeaderBlock(Buffer.from(headerLines.join('\r\n')), false)) {
			headers[h.name.toLowerCase()] = h.value;
		}
		return {
			contentId,
			status: Number(/^HTTP\/\S+\s+(\d{3})/.exec(statusLine)?.[1] ?? 0),
			headers,
			body: responseBody.toString('utf8').replace(/\r?\n$/, ''),
		};
	});
}
