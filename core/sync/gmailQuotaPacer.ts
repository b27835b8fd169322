// Gmail's per-user quota (250 units per second, messages.get 5 units, a batch charged per part)
// paced before sending rather than discovered as 429s: each request waits until the last second's
// charges leave room for its own. One pacer per mailbox and process; the retrying requester still
// handles the 429s another process's calls may cause.
import type { ProviderRequest, ProviderRequester } from '../providers/http';

export interface GmailPacerOptions {
	unitsPerSecond?: number;
	/** Extra wait after the window frees up: the provider charges a batch's parts as they run. */
	marginMs?: number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
}

// Documented costs (developers.google.com/gmail/api/reference/quota).
function unitsOfPath(method: string, path: string): number {
	if (/\/messages\/send$/.test(path)) return 100;
	if (/\/history$/.test(path)) return 2;
	if (/\/(profile|labels(\/[^/]+)?|settings\/.*)$/.test(path)) return 1;
	if (/\/threads(\/[^/]+)?$/.test(path)) return 10;
	if (method === 'POST' && /\/messages$/.test(path)) return 25;
	return 5; // messages.list, messages.get, attachments, modify
}

/** The quota units a request is charged, or 0 when it is not a Gmail call. */
export function gmailUnitsOf(request: ProviderRequest): number {
	let path: string;
	try {
		path = new URL(request.url).pathname;
	} catch {
		return 0;
	}
	if (path.endsWith('/batch/gmail/v1')) {
		const body = typeof request.body === 'string' ? request.body : String(request.body ?? '');
		let units = 0;
		for (const match of body.matchAll(/^(GET|POST|PUT|PATCH|DELETE) (\S+)/gm))
			units += unitsOfPath(match[1], match[2].split('?')[0]);
		return units;
	}
	if (!path.includes('/gmail/v1/')) return 0;
	return unitsOfPath(request.method, path);
}

interface Charge {
	at: number;
	units: number;
}

class SlidingWindow {
	private charges: Charge[] = [];
	private queue: Promise<void> = Promise.resolve();

	constructor(private readonly options: Required<GmailPacerOptions>) {}

	/**
	 * Waits (in order of arrival) until `units` fit in the last second, then charges them. The
	 * caller moves the charge to when the answer came (`settle`): Gmail charges a batch's parts
	 * while it runs them, so the answer's time is when the last of them was charged.
	 */
	take(units: number): Promise<Charge> {
		const turn = this.queue.then(async () => {
			const { unitsPerSecond, marginMs, now, sleep } = this.options;
			const wanted = Math.min(units, unitsPerSecond);
			for (;;) {
				const time = now();
				this.charges = this.charges.filter((charge) => charge.at > time - 1000);
				const used = this.charges.reduce((sum, charge) => sum + charge.units, 0);
				if (used + wanted <= unitsPerSecond) {
					const charge = { at: time, units: wanted };
					this.charges.push(charge);
					return charge;
				}
				// Wait until enough of the oldest charges leave the window.
				const oldestFirst = [...this.charges].sort((a, b) => a.at - b.at);
				let freed = 0;
				let until = time;
				for (const charge of oldestFirst) {
					freed += charge.units;
					until = charge.at + 1000;
					if (used - freed + wanted <= unitsPerSecond) break;
				}
				await sleep(Math.max(1, until - time + marginMs));
			}
		});
		this.queue = turn.then(
			() => undefined,
			() => undefined,
		);
		return turn;
	}

	settle(charge: Charge): void {
		charge.at = Math.max(charge.at, this.options.now());
	}
}

const windows = new Map<string, { window: SlidingWindow; users: number }>();

/**
 * A requester that paces Gmail calls to the mailbox's quota (other calls pass straight through).
 * `key` names the mailbox (integration id): concurrent syncs of one mailbox share the window.
 */
export function gmailPacedRequester(
	requester: ProviderRequester,
	key: string,
	options: GmailPacerOptions = {},
): ProviderRequester & { release(): void } {
	const settings: Required<GmailPacerOptions> = {
		unitsPerSecond: options.unitsPerSecond ?? 250,
		marginMs: options.marginMs ?? 25,
		now: options.now ?? Date.now,
		sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
	};
	let entry = windows.get(key);
	if (!entry) windows.set(key, (entry = { window: new SlidingWindow(settings), users: 0 }));
	entry.users++;
	const shared = entry;
	let released = false;
	const paced = (async (request: ProviderRequest) => {
		const units = gmailUnitsOf(request);
		if (units === 0) return await requester(request);
		const charge = await shared.window.take(units);
		try {
			return await requester(request);
		} finally {
			shared.window.settle(charge);
		}
	}) as ProviderRequester & { release(): void };
	paced.release = () => {
		if (released) return;
		released = true;
		if (--shared.users === 0 && windows.get(key) === shared) windows.delete(key);
	};
	return paced;
}
