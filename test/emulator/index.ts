/**
 * The provider emulator: one local HTTP server speaking Google OAuth, Gmail, Calendar, the
 * Microsoft identity platform and Microsoft Graph, with a sandbox Google and Microsoft account.
 *
 *   const emu = await startEmulator({ seed: 'my-test', messages: 500 });
 *   const gmail = google.gmail({ version: 'v1', rootUrl: emu.urls.googleApis, auth: emu.sandbox.accessToken });
 *   emu.control.inject({ operation: 'gmail.users.messages.get', status: 429 });
 *   await emu.stop();
 *
 * See test/emulator/README.md.
 */
import { EmulatorControl, registerControlRoutes } from './core/control';
import type { QuotaSettings } from './core/limits';
import { registerOAuthClient } from './core/oauth';
import { Router } from './core/router';
import { startHttpServer } from './core/server';
import { EmulatorState, type GeneratorFactories } from './core/state';
import { registerCalendar } from './google/calendar';
import { registerGmail } from './google/gmail';
import { GOOGLE_SCOPES, registerGoogleOAuth } from './google/oauth';
import { registerGraph } from './microsoft/graph';
import { MICROSOFT_SCOPES, registerMicrosoftIdentity } from './microsoft/identity';
import {
	DEFAULT_OPENAI_API_KEY,
	openaiControl,
	type OpenAIEmulatorControl,
	registerOpenAI,
} from './openai/chatCompletions';
import { type AdsEmulatorControl, registerGoogleAds } from './google/ads';
import { type DataManagerEmulatorControl, registerDataManager } from './google/dataManager';
import { registerYouTube, type YouTubeEmulatorControl } from './google/youtube';
import type { YouTubeOptions } from './google/youtubeStore';
import { registerWebSubHub, type WebSubEmulatorControl, WEBSUB_HUB_PATH } from './websub/hub';

export interface EmulatorOptions {
	/** Port to listen on (default 0 = a free random port). */
	port?: number;
	host?: string;
	/** Seed of every generated mailbox and calendar (default 1). */
	seed?: string | number;
	/** Messages in each generated mailbox (default 200). */
	messages?: number;
	/** Date of the newest generated message; generated content never reads the wall clock. */
	epoch?: Date;
	sandbox?: { googleEmail?: string; microsoftEmail?: string };
	quota?: Partial<QuotaSettings>;
	/** Replace the mailbox/calendar generator (tests of the emulator itself). */
	generator?: GeneratorFactories;
	/** YouTube: daily quota units per project (default 10,000), comment threads (default 300). */
	youtube?: YouTubeOptions;
}

export const SANDBOX_GOOGLE_EMAIL = 'sandbox@crm-connect.test';
export const SANDBOX_MICROSOFT_EMAIL = 'sandbox@crm-connect.onmicrosoft.test';
export const SANDBOX_GOOGLE_CLIENT_ID = 'crm-connect-sandbox.apps.googleusercontent.com';
export const SANDBOX_GOOGLE_CLIENT_SECRET = 'GOCSPX-crm-connect-sandbox-secret';
export const SANDBOX_MICROSOFT_CLIENT_ID = '8c7a1f0e-4b1d-4e0a-9c3f-6d2b5a0e7f11';
export const SANDBOX_MICROSOFT_CLIENT_SECRET = 'emu~crm-connect-sandbox-secret';
/** The sandbox tokens are meant for manual use and benchmarks: valid for 30 days of clock. */
const SANDBOX_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

export interface EmulatorUrls {
	/** rootUrl for googleapis / @googleapis/* clients (www.googleapis.com, gmail/calendar hosts). */
	googleApis: string;
	/** accounts.google.com authorization endpoint. */
	googleAuth: string;
	/** oauth2.googleapis.com token endpoint (revoke: …/revoke, tokeninfo: …/tokeninfo). */
	googleToken: string;
	/** login.microsoftonline.com base: append `{tenant}/oauth2/v2.0/authorize|token`. */
	microsoftLogin: string;
	/** graph.microsoft.com/v1.0 base URL. */
	graph: string;
	/** Control API base (`/_emulator`). */
	control: string;
	/** OpenAI-compatible base URL (ends in /v1) for the `openai` client's baseURL. */
	openai: string;
	/** Azure OpenAI endpoint (the `AzureOpenAI` client's `endpoint`). */
	azureOpenai: string;
	/** Google Ads REST root (googleads.googleapis.com): append `/v26/customers/{cid}/…`. */
	googleAds: string;
	/** Data Manager API root (datamanager.googleapis.com): append `/v1/events:ingest`. */
	dataManager: string;
	/** WebSub hub (pubsubhubbub.appspot.com): subscribers POST hub.mode/hub.topic/hub.callback here. */
	websubHub: string;
}

export interface Emulator {
	baseUrl: string;
	port: number;
	urls: EmulatorUrls;
	sandbox: {
		googleEmail: string;
		microsoftEmail: string;
		/** Google access token for the sandbox account, every scope, long-lived. */
		accessToken: string;
		/** Microsoft (Graph) access token for the Microsoft sandbox account, every scope. */
		microsoftAccessToken: string;
		clientId: string;
		clientSecret: string;
		microsoftClientId: string;
		microsoftClientSecret: string;
	};
	control: EmulatorControl;
	/** The model surface: its API key, scripted answers, recorded requests (openai/). */
	openai: OpenAIEmulatorControl;
	/** Google Ads: sandbox customers, campaigns, clicks, uploaded conversions (google/ads.ts). */
	ads: AdsEmulatorControl;
	/** Data Manager API: ingested events (google/dataManager.ts). */
	dataManager: DataManagerEmulatorControl;
	/** YouTube: the sandbox channel, its threads, added comments, the daily quota (google/youtube.ts). */
	youtube: YouTubeEmulatorControl;
	/** The WebSub hub: publish a video notification, read subscriptions and deliveries (websub/hub.ts). */
	websub: WebSubEmulatorControl;
	router: Router;
	state: EmulatorState;
	stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const state = new EmulatorState({
		seed: options.seed,
		messages: options.messages,
		epoch: options.epoch,
		generator: options.generator,
	});
	const router = new Router(state);
	if (options.quota) router.setQuota(options.quota);
	const control = new EmulatorControl(router, state);

	registerControlRoutes(router, control);
	registerGoogleOAuth(router, state);
	registerMicrosoftIdentity(router, state);
	registerGmail(router, state);
	registerCalendar(router, state);
	registerGraph(router, state);
	registerOpenAI(router, state);
	const ads = registerGoogleAds(router, state);
	const dataManager = registerDataManager(router, state);
	const youtube = registerYouTube(router, state, options.youtube, () => [
		SANDBOX_GOOGLE_CLIENT_ID,
		'emulator-control',
	]);
	const websub = registerWebSubHub(router, state, (channelId) =>
		channelId === youtube.channel().id ? youtube.channel().title : undefined,
	);

	const googleEmail = options.sandbox?.googleEmail ?? SANDBOX_GOOGLE_EMAIL;
	const microsoftEmail = options.sandbox?.microsoftEmail ?? SANDBOX_MICROSOFT_EMAIL;
	state.sandbox.google = googleEmail;
	state.sandbox.microsoft = microsoftEmail;
	const googleAccount = state.getOrCreateAccount(googleEmail, 'google', 'Sandbox User');
	const microsoftAccount = state.getOrCreateAccount(microsoftEmail, 'microsoft', 'Sandbox User');
	registerOAuthClient(state, {
		clientId: SANDBOX_GOOGLE_CLIENT_ID,
		clientSecret: SANDBOX_GOOGLE_CLIENT_SECRET,
		provider: 'google',
		name: 'crm-connect (sandbox)',
		redirectUris: [],
		allowLoopback: true,
	});
	registerOAuthClient(state, {
		clientId: SANDBOX_MICROSOFT_CLIENT_ID,
		clientSecret: SANDBOX_MICROSOFT_CLIENT_SECRET,
		provider: 'microsoft',
		name: 'crm-connect (sandbox)',
		redirectUris: [],
		allowLoopback: true,
	});
	const googleToken = state.issueAccessToken(
		googleAccount,
		GOOGLE_SCOPES,
		SANDBOX_GOOGLE_CLIENT_ID,
		SANDBOX_TOKEN_TTL_SECONDS,
		{ allScopes: true },
	);
	const microsoftToken = state.issueAccessToken(
		microsoftAccount,
		MICROSOFT_SCOPES,
		SANDBOX_MICROSOFT_CLIENT_ID,
		SANDBOX_TOKEN_TTL_SECONDS,
		{ allScopes: true },
	);

	const server = await startHttpServer(router, { port: options.port, host: options.host });
	const baseUrl = server.baseUrl;
	state.baseUrl = baseUrl;
	return {
		baseUrl,
		port: server.port,
		urls: {
			googleApis: `${baseUrl}/`,
			googleAuth: `${baseUrl}/o/oauth2/v2/auth`,
			googleToken: `${baseUrl}/token`,
			microsoftLogin: `${baseUrl}/`,
			graph: `${baseUrl}/v1.0`,
			control: `${baseUrl}/_emulator`,
			openai: `${baseUrl}/v1`,
			azureOpenai: baseUrl,
			googleAds: baseUrl,
			dataManager: baseUrl,
			websubHub: `${baseUrl}${WEBSUB_HUB_PATH}`,
		},
		sandbox: {
			googleEmail: googleAccount.email,
			microsoftEmail: microsoftAccount.email,
			accessToken: googleToken.token,
			microsoftAccessToken: microsoftToken.token,
			clientId: SANDBOX_GOOGLE_CLIENT_ID,
			clientSecret: SANDBOX_GOOGLE_CLIENT_SECRET,
			microsoftClientId: SANDBOX_MICROSOFT_CLIENT_ID,
			microsoftClientSecret: SANDBOX_MICROSOFT_CLIENT_SECRET,
		},
		control,
		openai: openaiControl(state),
		ads,
		dataManager,
		youtube,
		websub,
		router,
		state,
		// Pending hub verifications and deliveries finish first: no request outlives the emulator.
		stop: () => websub.settled().then(() => server.stop()),
	};
}

export { EmulatorControl, Router, EmulatorState };
export type { FaultSpec } from './core/faults';
export type { CallCounts } from './core/router';
export type { ConsentResult, ServiceAccountKey } from './core/control';
export { DEFAULT_OPENAI_API_KEY };
export type { OpenAIEmulatorControl };
export type { RecordedChatRequest, ScriptedAnswer } from './openai/chatCompletions';
export type { AdsEmulatorControl, DataManagerEmulatorControl };
export {
	EMULATOR_DEVELOPER_TOKEN,
	EMULATOR_TEST_ONLY_DEVELOPER_TOKEN,
	GOOGLE_ADS_API_VERSION,
	GOOGLE_ADS_SCOPE,
} from './google/ads';
export type { UploadedClickConversion } from './google/ads';
export { DATA_MANAGER_SCOPE } from './google/dataManager';
export type { IngestedEvent } from './google/dataManager';
export {
	ADS_CLIENT_CUSTOMER_ID,
	ADS_CLIENT_NOT_ALLOWLISTED_CUSTOMER_ID,
	ADS_MANAGER_CUSTOMER_ID,
	ADS_UPLOAD_CONVERSION_ACTION_IDS,
} from './generator/campaigns';
export type { GeneratedCampaign, GeneratedClick } from './generator/campaigns';
export type { YouTubeEmulatorControl, WebSubEmulatorControl };
export { YOUTUBE_SCOPES } from './google/youtube';
export { YOUTUBE_DEFAULT_DAILY_QUOTA, YOUTUBE_QUOTA_COSTS } from './google/youtubeStore';
export { youtubeTopic, WEBSUB_DEFAULT_LEASE_SECONDS } from './websub/hub';
export type { DeliveryRecord, HubSubscription, VerificationRecord } from './websub/hub';
