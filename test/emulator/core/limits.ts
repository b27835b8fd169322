/**
 * Per-user limits: Gmail's quota in units per second (sliding one-second window on the state
 * clock) and Graph's concurrent-request limit per mailbox.
 */

export interface QuotaSettings {
	/** Gmail per-user quota units per second (default 250). */
	gmailUnitsPerSecond: number;
	/** Graph concurrent requests per mailbox (default 4). */
	graphConcurrentPerMailbox: number;
	/** Both limits on (default true). */
	enabled: boolean;
}

export const DEFAULT_QUOTA: QuotaSettings = {
	gmailUnitsPerSecond: 250,
	graphConcurrentPerMailbox: 4,
	enabled: true,
};

export class QuotaMeter {
	private readonly windows = new Map<string, { at: number; units: number }[]>();

	/** Charges `units` to `user` if the last second leaves room; false = over quota (nothing charged). */
	tryCharge(user: string, units: number, limitPerSecond: number, now: number): boolean {
		let window = this.windows.get(user);
		if (!window) this.windows.set(user, (window = []));
		while (window.length > 0 && window[0]!.at <= now - 1000) window.shift();
		const used = window.reduce((sum, entry) => sum + entry.units, 0);
		if (used + units > limitPerSecond) return false;
		window.push({ at: now, units });
		return true;
	}

	reset(): void {
		this.windows.clear();
	}
}

export class ConcurrencyGate {
	private readonly inFlight = new Map<string, number>();

	/** Takes a slot for `user`; returns a release function, or undefined if the limit is reached. */
	tryAcquire(user: string, limit: number): (() => void) | undefined {
		const current = this.inFlight.get(user) ?? 0;
		if (current >= limit) return undefined;
		this.inFlight.set(user, current + 1);
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const left = (this.inFlight.get(user) ?? 1) - 1;
			if (left <= 0) this.inFlight.delete(user);
			else this.inFlight.set(user, left);
		};
	}

	current(user: string): number {
		return this.inFlight.get(user) ?? 0;
	}
}
