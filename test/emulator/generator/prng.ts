// Small seeded PRNG. Every generated value is drawn from a stream keyed by (seed, purpose, index),
// so any message or event can be produced on its own, in O(1), without generating its neighbours.

export function fmix32(h: number): number {
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h >>> 0;
}

/** FNV-1a over the seed's string form, finished with murmur3's mixer. */
export function hashSeed(seed: string | number): number {
	const s = String(seed);
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
	return fmix32(h);
}

/** Purposes, so that e.g. a message's date and its thread layout never share random numbers. */
export const enum Stream {
	Date = 1,
	Id = 2,
	Block = 3,
	Thread = 4,
	Message = 5,
	BusinessContact = 6,
	PersonalContact = 7,
	Company = 8,
	Event = 9,
	Calendar = 10,
}

/** mulberry32: tiny, fast, good enough for test data. */
export class Rng {
	private state: number;
	constructor(seed: number) {
		this.state = seed >>> 0;
	}
	next(): number {
		let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}
	int(n: number): number {
		return Math.floor(this.next() * n);
	}
	range(min: number, maxInclusive: number): number {
		return min + this.int(maxInclusive - min + 1);
	}
	chance(p: number): boolean {
		return this.next() < p;
	}
	pick<T>(items: readonly T[]): T {
		return items[this.int(items.length)];
	}
	/** Picks by weight: `[[value, weight], …]`. */
	weighted<T>(entries: readonly (readonly [T, number])[]): T {
		let total = 0;
		for (const [, w] of entries) total += w;
		let r = this.next() * total;
		for (const [v, w] of entries) {
			if ((r -= w) < 0) return v;
		}
		return entries[entries.length - 1][0];
	}
	hex(chars: number): string {
		let s = '';
		while (s.length < chars) s += (this.int(0x10000) | 0x10000).toString(16).slice(1);
		return s.slice(0, chars);
	}
}

export function rngFor(seedHash: number, stream: Stream, index: number): Rng {
	const a = fmix32(seedHash ^ Math.imul(stream, 0x9e3779b1));
	const b = fmix32(
		(index >>> 0) + 0x632be5ab + Math.imul(Math.floor(index / 4294967296), 0x27d4eb2f),
	);
	return new Rng(fmix32(a ^ Math.imul(b, 0x85ebca6b) ^ b));
}
