/* global document, location, URL, URLSearchParams */
// The demo page's only script: reads the settings from the query string (or the form), loads the
// widget bundle from the CRM API node (or the given script) and hands the settings to the three
// elements. Their events are logged below them.
const FIELDS = ['api-base', 'workspace-id', 'token', 'provider', 'theme', 'bundle'];
const form = document.querySelector('#settings');
const params = new URLSearchParams(location.search);
for (const name of FIELDS) {
	if (params.has(name)) form.elements[name].value = params.get(name);
}

/** The static widgets.js beside a `<n8n>/webhook/<webhookId>/crm-api` base. */
function bundleUrl(apiBase, explicit) {
	if (explicit) return new URL(explicit, location.href).href;
	const base = new URL(apiBase, location.href);
	return `${base.origin}${base.pathname.replace(/\/webhook\/[^/]+\/crm-api\/?$/, '/webhook/crm-api')}/widgets.js`;
}

async function show(settings) {
	await import(bundleUrl(settings['api-base'], settings.bundle));
	document.body.classList.toggle('dark', settings.theme === 'dark');
	for (const element of document.querySelectorAll('crm-connect-status, crm-inbox, crm-calendar')) {
		for (const name of ['api-base', 'workspace-id', 'token', 'provider', 'theme']) {
			if (settings[name]) element.setAttribute(name, settings[name]);
		}
	}
	document.querySelector('#widgets').hidden = false;
}

const log = document.querySelector('#log');
for (const name of [
	'crm-connect',
	'crm-disconnect',
	'crm-settings-change',
	'crm-onboarding-done',
	'crm-email-select',
	'crm-email-send',
	'crm-record-link',
	'crm-event-select',
	'crm-event-create',
]) {
	document.addEventListener(name, (event) => {
		const detail = JSON.stringify(event.detail, (key, value) =>
			key === 'url' ? '(consent URL)' : value,
		);
		log.textContent = `${new Date().toLocaleTimeString()} ${name} ${detail}\n${log.textContent}`;
	});
}

form.addEventListener('submit', (event) => {
	event.preventDefault();
	const settings = Object.fromEntries(
		FIELDS.map((name) => [name, form.elements[name].value.trim()]),
	);
	show(settings).catch((error) => {
		log.textContent = `Could not load the widgets: ${error.message}\n${log.textContent}`;
		document.querySelector('#widgets').hidden = false;
	});
});

if (params.has('api-base') && params.has('workspace-id') && params.has('token'))
	form.requestSubmit();
