import type { ItemErrorContext } from '../../../shared/forEachItem';

/** How the CRM node words failures that are not its own checks (database, provider revocation). */
export const CRM_ERRORS: ItemErrorContext = { provider: 'CRM' };
