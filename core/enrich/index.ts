// Offline enrichment: the sender's own text, its signature block, and the values in it.

import { findSignatureBlock } from './signatureBlock';
import { extractSignatureFields } from './signatureFields';
import { EmailForEnrichment, SignatureBlockResult, SignatureContact } from './types';

export * from './types';
export { ownText, findSignatureBlock, isAutomated } from './signatureBlock';
export { extractSignatureFields, displayNameOf } from './signatureFields';
export { stripQuotedText } from './quotedText';
export { htmlToText } from './htmlText';
export { phonesInLine, countryOfDomain } from './phoneNumbers';

/** Block and values of one email, without any model. */
export function enrichEmailOffline(email: EmailForEnrichment): {
	block: SignatureBlockResult;
	contact: SignatureContact;
} {
	const block = findSignatureBlock(email);
	const contact = block.block ? extractSignatureFields(block, email) : { phones: [] };
	return { block, contact };
}
