// Every visible string of a widget has an English default and a key; a page overrides any of them
// with the `strings` property (`el.strings = { disconnect: 'Trennen' }`). `{name}` placeholders are
// filled by `format`.

/** The defaults merged with the page's overrides (empty or non-string overrides are ignored). */
export function localize<K extends string>(
	defaults: Readonly<Record<K, string>>,
	overrides: Partial<Record<K, string>> | null | undefined,
): Record<K, string> {
	const merged = { ...defaults } as Record<K, string>;
	if (overrides) {
		for (const key of Object.keys(overrides) as K[]) {
			const value = overrides[key];
			if (typeof value === 'string' && value !== '' && key in defaults) merged[key] = value;
		}
	}
	return merged;
}

/** `format('Connected as {account}', { account: 'a@b.c' })` → 'Connected as a@b.c'. */
export function format(template: string, values: Record<string, string | number>): string {
	return template.replace(/\{(\w+)\}/g, (match, name: string) =>
		name in values ? String(values[name]) : match,
	);
}
