// The full bundle (dist/widgets/crm-connect.js, served by the CRM API node as widgets.js): importing
// it defines <crm-connect-status>, <crm-inbox> and <crm-calendar>.
export { default as CrmConnectStatus } from './connect-status/connect-status';
export { CrmInbox } from './inbox/inbox';
export { CrmCalendar } from './calendar/calendar';
export { CrmApiClient, CrmApiError, type TokenProvider } from './shared/apiClient';
