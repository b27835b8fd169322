// The real providers' base URLs, each defined once. Every one can be overridden per credential
// (Use Custom Endpoints), which is how the tests and the sandbox reach the emulator. The
// credentials import this file alone (the build emits it as its own small module), so loading a
// credential never loads the engine.
export const GOOGLE_AUTH_BASE_URL = 'https://accounts.google.com';
export const GOOGLE_TOKEN_BASE_URL = 'https://oauth2.googleapis.com';
export const GOOGLE_API_BASE_URL = 'https://www.googleapis.com';
export const MICROSOFT_LOGIN_BASE_URL = 'https://login.microsoftonline.com';
export const MICROSOFT_GRAPH_BASE_URL = 'https://graph.microsoft.com';
