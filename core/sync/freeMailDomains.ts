// Free-mail domains (gmail.com, outlook.com, …) from the maintained `free-email-domains` list. An
// address at one of them is a person, never a company: such domains never create or match one.
// The JSON is imported (not read from disk) so that esbuild bundles it into the nodes' engine.
import domains from 'free-email-domains/domains.json';

/** Every free-mail domain, lower case. */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set(
	(domains as string[]).map((domain) => domain.toLowerCase()),
);

/** The list as an array, for SQL (`unnest(?::text[])`). */
export const FREE_MAIL_DOMAIN_LIST: readonly string[] = [...FREE_MAIL_DOMAINS];

/** Whether a domain (or the domain of an address) is a free-mail provider's. */
export function isFreeMailDomain(domainOrAddress: string): boolean {
	const at = domainOrAddress.lastIndexOf('@');
	const domain = (at >= 0 ? domainOrAddress.slice(at + 1) : domainOrAddress).trim().toLowerCase();
	return FREE_MAIL_DOMAINS.has(domain);
}
