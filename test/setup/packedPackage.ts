/**
 * Set by the jest global setup: the tarball `npm pack` made of this package once for the run, so
 * that each real n8n of the end-to-end files unpacks it instead of packing it again (several
 * seconds of npm each time). test/e2e/support/crmN8n.ts reads it.
 */
export const PACKED_PACKAGE_VARIABLE = 'CRM_E2E_PACKAGE_TARBALL';
