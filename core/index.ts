// The public surface of the crm-connect engine. Nodes import only from here: the build bundles
// this file (with knex, pg and the provider clients) into dist/core/index.js once, and every node
// requires that one bundle.
export {
	parseDatabaseSettings,
	describeConnection,
	type DatabaseSettings,
	type DatabaseSettingsInput,
} from './store/databaseSettings';
export {
	openDatabase,
	closeAllDatabases,
	checkConnection,
	testDatabaseSettings,
	type CrmDatabase,
} from './store/database';
export {
	migrateToLatest,
	listAppliedMigrations,
	getMigrationStatus,
	type MigrationStatus,
	type MigrationReport,
} from './store/migrations';
export { DatabaseConnectionError } from './store/databaseErrors';
export {
	getServiceAccountAccessToken,
	parseServiceAccountKey,
	ServiceAccountError,
	type ServiceAccountKey,
} from './providers/google/serviceAccount';
export {
	ProviderHttpError,
	normalizeHeaders,
	type ProviderRequest,
	type ProviderResponse,
	type ProviderRequester,
} from './providers/http';
export {
	classifyProviderError,
	isRetryable,
	type ClassifiedProviderError,
	type ProviderErrorClass,
} from './providers/providerErrors';
export {
	retryingRequester,
	retryDelayMs,
	DEFAULT_RETRY_POLICY,
	type RetryPolicy,
} from './providers/retry';
export {
	createGmailClient,
	createCalendarClient,
	DEFAULT_GOOGLE_API_BASE_URL,
} from './providers/google/googleClients';
export { gmailRawMessageToRecord } from './providers/google/gmailRecords';
export { DEFAULT_GRAPH_BASE_URL } from './providers/microsoft/graphClient';
export {
	emailRecordSchema,
	emailAddressSchema,
	emailAttachmentSchema,
	classifyBulkHeaders,
	parseMessageIdList,
	type EmailRecord,
	type EmailAddress,
	type EmailAttachment,
} from './records/emailRecord';
export { parseMime, type ParsedMime, type ParsedAttachment } from './mail/parseMime';
export {
	calendarEventRecordSchema,
	eventAttendeeSchema,
	eventTimeSchema,
	diffCalendarEvents,
	type CalendarEventRecord,
	type CalendarEventChanges,
	type EventAttendee,
	type EventTime,
} from './records/calendarEventRecord';
export {
	composeMime,
	parseAddressList,
	replySubject,
	replyReferences,
	type ComposeMimeInput,
	type ComposedMime,
	type MailAddressInput,
	type MailAttachmentInput,
} from './mail/composeMime';
export { AddressListError } from './mail/addressList';
export { replyRecipients, type RepliedMessage } from './mail/replyRecipients';
export {
	GMAIL_REPLY_HEADERS,
	gmailReplyFields,
	type GmailRepliedMessage,
	type GmailReplyFields,
	type GmailReplyOptions,
} from './mail/gmailReply';
export type { MailItem } from './providers/changeSources';
export { fetchGmailMessages, listGmailMessageIds } from './providers/google/gmailMessages';
export { gmailAccount, type GmailAccount, type GmailOwner } from './providers/google/gmailAccount';
export {
	createGmailChangeSource,
	type GmailChangeSource,
	type GmailCursor,
} from './providers/google/gmailChangeSource';
export {
	pollGmailNewMail,
	startGmailNewMail,
	toGmailNewMailState,
	type GmailNewMailState,
} from './providers/google/gmailNewMail';
export { GraphSession, graphPathSegment, type GraphPage } from './providers/microsoft/graphSession';
export {
	GRAPH_MESSAGE_SELECT,
	graphMessageToRecord,
	htmlToText,
	type GraphMessage,
} from './providers/microsoft/graphMessageRecords';
export { graphEventToRecord, type GraphEvent } from './providers/microsoft/graphEventRecords';
export { recurrenceToRRule } from './providers/microsoft/graphRecurrence';
export {
	toGraphDateTime,
	toGraphEventWrite,
	type GraphEventInput,
} from './providers/microsoft/graphEventWrites';
export {
	GRAPH_INLINE_ATTACHMENT_BYTES,
	fetchGraphMessageRecord,
	replyToGraphMessage,
	sendGraphMail,
	type GraphOutgoingMail,
	type GraphReply,
} from './providers/microsoft/graphMailSend';
export { toIanaTimeZone } from './providers/microsoft/windowsTimeZones';
export {
	GraphMailSource,
	newestGraphMail,
	type GraphMailCursor,
	type GraphMailSourceOptions,
} from './providers/microsoft/graphMailSource';
export {
	pollGraphNewMail,
	type GraphNewMail,
	type WatchedFolder,
} from './providers/microsoft/graphNewMail';
export {
	NewMailTracker,
	pollNewMail,
	type NewMailFeed,
	type NewMailPollState,
	type NewMailState,
} from './providers/newMailTracker';
export {
	googleEventToRecord,
	type GoogleCalendarEvent,
	type GoogleEventContext,
} from './providers/google/calendarRecords';
export {
	describeCalendar,
	listCalendarEvents,
	listCalendars,
	toGoogleEventWrite,
	type CalendarEventInput,
	type CalendarEventListing,
	type CalendarEventWrite,
	type ListCalendarEventsOptions,
} from './providers/google/calendarEvents';
export {
	googleCalendarChangeSource,
	toGoogleCalendarCursor,
	type GoogleCalendarChangeSource,
	type GoogleCalendarCursor,
	type GoogleCalendarItem,
	type GoogleCalendarSourceOptions,
} from './providers/google/calendarChangeSource';
export {
	startCalendarSync,
	syncCalendarChanges,
	sampleCalendarChange,
	eventVersionOf,
	type CalendarChange,
	type CalendarChangeType,
	type CalendarEventUpdate,
	type CalendarSyncResult,
	type CalendarSyncState,
	type EventVersion,
} from './providers/google/calendarSync';
export { formatInstantInZone, isTimeZone, toRfc3339, wallTimeToInstant } from './time/zonedTime';
export {
	createTokenCipher,
	parseTokenKey,
	integrationTokenAad,
	pkceVerifierAad,
	TokenCipherError,
	TokenKeyError,
	UnknownTokenKeyError,
	TokenDecryptionError,
	MalformedTokenEnvelopeError,
	type TokenCipher,
	type TokenCipherOptions,
	type TokenKeyMaterial,
} from './security/tokenCipher';
export {
	signOAuthState,
	verifyOAuthState,
	deriveOAuthStateSecret,
	OAuthStateError,
	OAUTH_STATE_DEFAULT_TTL_MS,
	OAUTH_STATE_MAX_TTL_MS,
	type OAuthStateInput,
	type OAuthStatePayload,
	type OAuthStateRefusal,
	type SignedOAuthState,
} from './security/oauthState';
export {
	createCodeVerifier,
	codeChallengeS256,
	createPkcePair,
	isCodeVerifier,
	PkceError,
	type PkcePair,
} from './security/pkce';
export {
	recordOAuthState,
	consumeOAuthState,
	purgeExpiredOAuthStates,
	type ConsumedOAuthState,
	type OAuthStateRecordInput,
} from './store/oauthStates';
// Workspace connect flow and the CRM API: provider apps, API tokens, integrations.
export {
	handleApiRequest,
	apiRoutes,
	ApiError,
	type ApiContext,
	type ApiRequest,
	type ApiResponse,
} from './api/handleApiRequest';
export {
	parseProviderApps,
	callbackUrl,
	ProviderAppsError,
	type ProviderApps,
	type ProviderEndpoints,
	type ConnectProvider,
} from './sync/providerApps';
export {
	verifyApiToken,
	signApiToken,
	bearerToken,
	requireScope,
	ApiAuthError,
	API_TOKEN_MAX_LIFETIME_SECONDS,
	type ApiPrincipal,
	type ApiScope,
	type ApiTokenClaims,
} from './security/apiToken';
export {
	getIntegration,
	listIntegrations,
	reencryptIntegrationTokens,
	type IntegrationView,
	type IntegrationStatus,
} from './store/integrations';
export {
	createIntegrationAccess,
	IntegrationAuthError,
	TokenRefreshError,
	REAUTH_MESSAGE,
	type IntegrationAccess,
	type IntegrationAccessOptions,
} from './sync/integrationAccess';
export {
	createConnectUrl,
	completeConnect,
	ConnectError,
	ACCESS_DENIED_MESSAGE,
	NOT_CONFIGURED_MESSAGE,
	type ConnectUrl,
	type ConnectUrlInput,
	type CallbackResult,
} from './sync/connectFlow';
export { disconnectIntegration, type DisconnectResult } from './sync/disconnect';
export { CONNECT_SCOPES } from './sync/providerOAuth';
// Calendar sync into the CRM tables (A2): the per-integration calendar sources, their store and the Graph calendar change source.
export {
	syncCalendarSources,
	calendarHorizonSince,
	DEFAULT_CALENDAR_HORIZON_DAYS,
	GRAPH_WINDOW_DAYS_AHEAD,
	CalendarSyncConflictError,
	type CalendarSyncOptions,
} from './sync/calendarSync';
export {
	writeCalendarEventPage,
	cancelUnlistedCalendarEvents,
	applyCalendarVisibility,
	type CalendarPageInput,
	type CalendarWriteCounts,
	type CalendarWriteResult,
	type StoredCalendarChange,
} from './store/events';
export {
	GraphCalendarSource,
	GRAPH_CALENDAR_WINDOW_DAYS_AHEAD,
	type GraphCalendarCursor,
	type GraphCalendarSourceOptions,
} from './providers/microsoft/graphCalendarSource';
// Record linking, people and companies, blocklist.
export {
	linkRecords,
	linkManually,
	unlinkManually,
	listLinks,
	type LinkScope,
	type LinkResult,
} from './sync/linking';
export {
	CrmRecordNotFoundError,
	CrmArgumentError,
	LIVE_LINK_SOURCES,
	type RecordLink,
	type LinkTarget,
	type LinkSubjectType,
	type LinkRecordType,
} from './store/recordLinks';
export {
	upsertPersonByEmail,
	upsertCompanyByDomain,
	findPeople,
	findCompanies,
	getPerson,
	getCompany,
	type PersonFields,
	type CompanyFields,
	type PersonRecord,
	type CompanyRecord,
	type FindPeopleQuery,
	type FindCompaniesQuery,
	type UpsertOptions,
	type UpsertResult,
	type Page,
} from './store/peopleAndCompanies';
export {
	addToBlocklist,
	removeFromBlocklist,
	listBlocklist,
	type BlocklistEntry,
	type BlocklistPurge,
} from './store/blocklist';
export {
	loadBlocklist,
	blocklistMatcher,
	parseBlocklistPattern,
	BlocklistPatternError,
	type BlocklistMatcher,
} from './sync/blocklistFilter';
export {
	effectiveContactPolicy,
	isGroupAddress,
	type ContactCreationPolicy,
} from './sync/contactPolicy';
export { isFreeMailDomain } from './sync/freeMailDomains';
// Email search and the read side of emails and events: keyset pages ({ items,
// nextCursor }, the Page of peopleAndCompanies), scoped by workspace, masked per visibility.
export {
	listEmails,
	getEmail,
	QueryInputError,
	type ReadDatabase,
	type PageOptions,
	type EmailFilters,
	type ListEmailsOptions,
	type EmailSummary,
	type EmailDetail,
	type EmailParticipant,
	type EmailAddressJson,
	type MailboxCopy,
	type LinkedRecord,
	type MailDirection,
	type Visibility,
} from './store/emailQueries';
export {
	searchEmails,
	setWorkspaceSearchLanguage,
	normalizeSearchQuery,
	type SearchEmailsOptions,
} from './store/emailSearch';
export {
	listEvents,
	getEvent,
	type EventFilters,
	type ListEventsOptions,
	type EventRecordJson,
	type EventAttendeeJson,
} from './store/eventQueries';
// CRM node, Integration / Sync / Email / Event / Person / Company / Blocklist resources:
// what the node needs beyond the blocks above.
export {
	integrationSettingsUpdateSchema,
	type IntegrationSettingsUpdate,
} from './sync/integrationSettings';
export { updateIntegrationSettings } from './store/integrations';
export { runningProgress, type SyncProgress } from './api/statusRoute';
// Workspace sync engine: mail sync, the integration state machine, leases and the scheduler.
export {
	syncIntegration,
	backoffMs,
	DEFAULT_SYNC_INTERVAL_MS,
	DEFAULT_LEASE_MS,
	type SyncDeps,
	type SyncOutcome,
	type IntegrationSyncResult,
	type SyncIntegrationOptions,
} from './sync/syncIntegration';
export { syncDueIntegrations, requestResync, type SyncDueOptions } from './sync/scheduler';
export {
	syncMailSources,
	gmailLabelsOf,
	graphFoldersOf,
	isBlockedMail,
	SyncConflictError,
	type MailListingState,
} from './sync/mailSync';
export {
	leaseDueIntegrations,
	acquireLease,
	renewLease,
	holdsLease,
	releaseLease,
	type LeasedIntegration,
} from './store/syncLeases';
export {
	listSyncRuns,
	type SyncRun,
	type SyncRunKind,
	type SyncRunStatus,
	type SyncRunProgress,
} from './store/syncRuns';
export {
	upsertMailPage,
	tombstoneMailboxCopies,
	reconcileMailboxListing,
	refreshEmailVisibility,
	emailKeyOf,
	type MailCopyInput,
	type MailWriteScope,
	type MailWriteResult,
} from './store/emails';
export {
	emptyCounts,
	addCounts,
	type SyncEndpoints,
	type SyncCounts,
	type SyncHooks,
	type SyncStep,
	type SourceSyncContext,
} from './sync/sourceSync';
export { integrationRequester, ProviderTransportError } from './sync/integrationRequester';
// Signature enrichment (the CRM node's Enrichment resource): the engine, and the model settings
// of the CRM Connect AI Model credential.
export {
	enrichIntegration,
	enrichRecord,
	getEnrichment,
	type EnrichCounts,
	type EnrichDeps,
	type EnrichIntegrationResult,
	type EnrichRecordResult,
	type EnrichmentValue,
} from './enrich/enrichWorkspace';
export { modelSettingsFromCredential, type ModelSettings } from './enrich/modelClient';
// YouTube: the Data API client, the comment source of the workspace sync, the inbox's comments.
export {
	commentRecord,
	createYouTubeClient,
	nextYoutubeQuotaReset,
	threadComments,
	youtubeQuotaDay,
	YOUTUBE_DAILY_QUOTA,
	YOUTUBE_QUOTA_COST,
	YouTubeQuotaExceededError,
	type YouTubeChannel,
	type YouTubeClient,
	type YouTubeComment,
	type YouTubeCommentRecord,
	type YouTubeCommentThread,
} from './providers/google/youtube';
export {
	DEFAULT_YOUTUBE_DAILY_BUDGET,
	grantsYoutubeRead,
	syncYoutubeCommentSource,
	type YoutubeCommentSyncOptions,
	type YoutubeCommentSyncReport,
	type YoutubeStopReason,
} from './sync/youtubeCommentSource';
export {
	linkYoutubeCommentsToPeople,
	listYoutubeInboxMessages,
	markYoutubeCommentsRead,
	type YoutubeInboxMessage,
} from './store/youtubeComments';
// The CRM Webhook trigger: authentication, normalised actions, receipts, WebSub subscriptions.
export {
	handleWebhookCall,
	resolveAction,
	type WebhookAnswer,
	type WebhookCall,
	type WebhookHandlerContext,
	type WebhookItem,
} from './webhooks/handleWebhook';
export { WEBHOOK_ACTIONS, type WebhookAction } from './webhooks/normalise';
export {
	DEFAULT_HUB_URL,
	DEFAULT_LEASE_SECONDS,
	listSubscriptions,
	needsRenewal,
	parseChannelIds,
	renewDueSubscriptions,
	subscribeAtHub,
	unsubscribeAtHub,
	youtubeTopicUrl,
} from './webhooks/subscriptions';
// Google Ads (campaigns, metrics, click conversions for allowlisted accounts), the Data Manager
// API, and the offline conversion outbox (the Google Ads CRM node).
export {
	createGoogleAdsClient,
	listAccessibleCustomers,
	listCampaigns,
	getCampaign,
	createCampaign,
	updateCampaign,
	setCampaignStatus,
	getCampaignMetrics,
	searchStream,
	normalizeCustomerId,
	GoogleAdsApiError,
	CampaignNotFoundError,
	DEFAULT_GOOGLE_ADS_BASE_URL,
	type AdsCampaign,
	type CampaignMetrics,
	type CampaignStatus,
	type GoogleAdsClient,
} from './providers/google/ads';
export {
	createDataManagerClient,
	DEFAULT_DATA_MANAGER_BASE_URL,
	type DataManagerClient,
} from './providers/google/dataManager';
export {
	validateConversion,
	ConversionValidationError,
	type ConversionInput,
	type ConversionUploadPath,
	type ValidatedConversion,
} from './ads/conversions';
export {
	enqueueAdConversion,
	listAdConversions,
	type AdConversion,
	type AdConversionStatus,
} from './store/adConversions';
export {
	uploadDueConversions,
	type ConversionSenders,
	type ConversionUploadOutcome,
} from './ads/conversionOutbox';
export {
	completeSignIn,
	signInCallbackUrl,
	signInConfigOf,
	signInErrorResponse,
	SignInError,
	startSignIn,
	SIGN_IN_CALLBACK_ROUTE,
	SIGN_IN_SCOPES,
	SIGN_IN_START_ROUTE,
	type SignInConfig,
	type SignInOutcome,
} from './api/signInRoutes';
export {
	signSignInAssertion,
	SignInTokenError,
	verifyGoogleIdToken,
	verifySignInAssertion,
	SIGN_IN_ASSERTION_AUDIENCE,
	SIGN_IN_ASSERTION_ISSUER,
	type SignInAssertionClaims,
	type SignInIdentity,
} from './security/signInAssertion';
// The widget REST API (issue 12): one framework-free handler, its route table and contract.
export {
	handleWidgetRequest,
	widgetErrorResponse,
	type WidgetRequest,
	type WidgetCall,
} from './api/handleWidgetRequest';
export {
	WIDGET_ROUTES,
	WIDGET_PROVIDERS,
	MAIL_SEGMENT,
	concreteWidgetRoutes,
	matchWidgetRoute,
	routePath,
	fillPath,
	type WidgetRoute,
	type WidgetRouteName,
	type WidgetProvider,
} from './api/routeTable';
export { WIDGET_SCHEMAS } from './api/widgetSchemas';
export { sanitizeEmailHtml } from './mail/sanitizeHtml';
export { widgetOpenApiDocument } from './api/openApi';
export {
	encodeBody,
	MIN_COMPRESSED_BYTES,
	preferredCoding,
	type ContentCoding,
} from './api/responseEncoding';
export {
	widgetBundleAnswer,
	WIDGET_BUNDLE_CANDIDATES,
	type StaticAsset,
} from './assets/widgetBundle';
