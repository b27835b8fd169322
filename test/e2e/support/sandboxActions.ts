// What happens in the sandbox accounts while n8n runs, done over HTTP as a user's script would:
// mail arrives (the emulator's control API), a colleague books a meeting (the Calendar API), and
// reads of what the workflows did (stars, replies, Meet links, read flags).
import type { Emulator } from '../../emulator';

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
	const response = await fetch(url, init);
	const text = await response.text();
	if (!response.ok)
		throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text}`);
	return (text ? JSON.parse(text) : undefined) as T;
}

const json = (body: unknown): RequestInit => ({
	method: 'POST',
	headers: { 'content-type': 'application/json' },
	body: JSON.stringify(body),
});

export class SandboxActions {
	constructor(private readonly emulator: Emulator) {}

	private get control() {
		return `${this.emulator.baseUrl}/_emulator`;
	}

	/** A fresh token of the emulator's own (grants revoked by a test do not affect the next one). */
	private async token(email: string): Promise<string> {
		const issued = await call<{ access_token: string }>(`${this.control}/tokens`, json({ email }));
		return issued.access_token;
	}

	private async google<T>(path: string, init: RequestInit = {}): Promise<T> {
		const token = await this.token(this.emulator.sandbox.googleEmail);
		const headers = {
			...(init.headers as Record<string, string>),
			authorization: `Bearer ${token}`,
		};
		return await call<T>(`${this.emulator.baseUrl}${path}`, { ...init, headers });
	}

	private async graph<T>(path: string, init: RequestInit = {}): Promise<T> {
		const token = await this.token(this.emulator.sandbox.microsoftEmail);
		const headers = {
			...(init.headers as Record<string, string>),
			authorization: `Bearer ${token}`,
		};
		return await call<T>(`${this.emulator.urls.graph}${path}`, { ...init, headers });
	}

	/** New Gmail mail in the inbox: generated, or from a given sender (RFC 5322, unread). */
	async deliverGmail(count: number, from?: { email: string; name: string }): Promise<string[]> {
		const email = this.emulator.sandbox.googleEmail;
		const body = from
			? {
					email,
					raw: Array.from({ length: count }, (_, index) =>
						Buffer.from(
							[
								`From: "${from.name}" <${from.email}>`,
								`To: ${email}`,
								`Subject: Question ${index + 1} about our order`,
								`Date: ${new Date().toUTCString()}`,
								`Message-ID: <${Date.now()}.${index}.${Math.random().toString(36).slice(2)}@${from.email.split('@')[1]}>`,
								'Content-Type: text/plain; charset=utf-8',
								'',
								`Hello, could you tell me more about order ${index + 1}?`,
							].join('\r\n'),
						).toString('base64url'),
					),
				}
			: { email, count };
		const delivered = await call<{ messages: Array<{ id: string }> }>(
			`${this.control}/gmail/deliver`,
			json(body),
		);
		return delivered.messages.map((message) => message.id);
	}

	/** New Outlook mail in the inbox, unread. */
	async deliverOutlook(count: number, from?: { email: string; name: string }): Promise<string[]> {
		const delivered = await call<{ messages: Array<{ id: string }> }>(
			`${this.control}/graph/deliver`,
			json({ email: this.emulator.sandbox.microsoftEmail, count, ...(from ? { from } : {}) }),
		);
		return delivered.messages.map((message) => message.id);
	}

	/** A meeting booked in the sandbox's primary Google calendar, `daysAhead` from now. */
	async bookMeeting(summary: string, daysAhead = 7): Promise<string> {
		const start = new Date(Date.now() + daysAhead * 86_400_000);
		start.setUTCMinutes(0, 0, 0);
		const end = new Date(start.getTime() + 30 * 60_000);
		const event = await this.google<{ id: string }>('/calendar/v3/calendars/primary/events', {
			...json({
				summary,
				start: { dateTime: start.toISOString() },
				end: { dateTime: end.toISOString() },
				attendees: [{ email: 'guest@customer.example' }],
			}),
		});
		return event.id;
	}

	async gmailMessage(id: string): Promise<{ id: string; labelIds: string[]; threadId: string }> {
		return await this.google(`/gmail/v1/users/me/messages/${id}?format=minimal`);
	}

	/** Ids of the Gmail messages a search finds (`q` as in Gmail's search box). */
	async gmailSearch(q: string): Promise<string[]> {
		const page = await this.google<{ messages?: Array<{ id: string }> }>(
			`/gmail/v1/users/me/messages?maxResults=500&q=${encodeURIComponent(q)}`,
		);
		return (page.messages ?? []).map((message) => message.id);
	}

	/** Ids of the Outlook inbox messages an OData `$filter` finds. */
	async outlookSearch(filter: string): Promise<string[]> {
		const page = await this.graph<{ value: Array<{ id: string }> }>(
			`/me/mailFolders/inbox/messages?$select=id&$top=100&$filter=${encodeURIComponent(filter)}`,
		);
		return page.value.map((message) => message.id);
	}

	/** Ids of the mail the sandbox account sent (replies included). */
	async gmailSentIds(): Promise<string[]> {
		const ids: string[] = [];
		let pageToken: string | undefined;
		do {
			const page = await this.google<{ messages?: Array<{ id: string }>; nextPageToken?: string }>(
				`/gmail/v1/users/me/messages?labelIds=SENT&maxResults=500${pageToken ? `&pageToken=${pageToken}` : ''}`,
			);
			ids.push(...(page.messages ?? []).map((message) => message.id));
			pageToken = page.nextPageToken;
		} while (pageToken);
		return ids;
	}

	async calendarEvent(
		id: string,
	): Promise<{ id: string; hangoutLink?: string; conferenceData?: { conferenceId?: string } }> {
		return await this.google(`/calendar/v3/calendars/primary/events/${id}`);
	}

	async outlookMessage(id: string): Promise<{ id: string; isRead: boolean }> {
		return await this.graph(`/me/messages/${id}?$select=id,isRead`);
	}

	/** How many messages the Outlook Sent Items folder holds. */
	async outlookSentCount(): Promise<number> {
		let count = 0;
		let next: string | undefined =
			`${this.emulator.urls.graph}/me/mailFolders/sentitems/messages?$select=id&$top=100`;
		while (next) {
			const token = await this.token(this.emulator.sandbox.microsoftEmail);
			const page: { value: unknown[]; '@odata.nextLink'?: string } = await call(next, {
				headers: { authorization: `Bearer ${token}` },
			});
			count += page.value.length;
			next = page['@odata.nextLink'];
		}
		return count;
	}

	async advanceClock(ms: number): Promise<void> {
		await call(`${this.control}/clock`, json({ advanceMs: ms }));
	}

	async revokeGrants(email: string): Promise<void> {
		await call(`${this.control}/revoke-grants`, json({ email }));
	}

	async expireCursors(email: string, surface: 'gmail' | 'calendar' | 'graph'): Promise<void> {
		await call(`${this.control}/expire-cursors`, json({ email, surface }));
	}
}
