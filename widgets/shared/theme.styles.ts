// The design tokens every widget shares. Public knobs are `--crm-*` custom properties, read with a
// fallback into private `--_*` ones, so a page can set them on the element or on any ancestor
// (`:root { --crm-color-accent: … }`). Light by default; dark with `theme="dark"`, or with
// `theme="auto"` / no theme when the system prefers dark.
import { css } from 'lit';

const light = css`
	--_font: var(--crm-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
	--_font-size: var(--crm-font-size, 14px);
	--_text: var(--crm-color-text, #1f2328);
	--_muted: var(--crm-color-text-muted, #57606a);
	--_bg: var(--crm-color-bg, #ffffff);
	--_surface: var(--crm-color-surface, #f6f8fa);
	--_hover: var(--crm-color-hover, #eef1f4);
	--_accent: var(--crm-color-accent, #0b57d0);
	--_on-accent: var(--crm-color-on-accent, #ffffff);
	--_selected: var(--crm-color-selected, #dbe7fb);
	--_border: var(--crm-color-border, #d0d7de);
	--_danger: var(--crm-color-danger, #b3261e);
	--_warning: var(--crm-color-warning, #7a4a00);
	--_warning-bg: var(--crm-color-warning-bg, #fff4d6);
	--_success: var(--crm-color-success, #116329);
	--_radius: var(--crm-radius, 8px);
	--_space: var(--crm-space, 8px);
	--_focus: var(--crm-focus-ring, 0 0 0 3px rgb(11 87 208 / 45%));
	--_shadow: var(--crm-shadow, 0 4px 16px rgb(0 0 0 / 14%));
`;

const dark = css`
	--_text: var(--crm-color-text, #e6edf3);
	--_muted: var(--crm-color-text-muted, #9ea7b3);
	--_bg: var(--crm-color-bg, #0d1117);
	--_surface: var(--crm-color-surface, #161b22);
	--_hover: var(--crm-color-hover, #21262d);
	--_accent: var(--crm-color-accent, #7cacf8);
	--_on-accent: var(--crm-color-on-accent, #0d1117);
	--_selected: var(--crm-color-selected, #1f3a5f);
	--_border: var(--crm-color-border, #3d444d);
	--_danger: var(--crm-color-danger, #ff8b83);
	--_warning: var(--crm-color-warning, #f2cc60);
	--_warning-bg: var(--crm-color-warning-bg, #3b2e0a);
	--_success: var(--crm-color-success, #56d364);
	--_focus: var(--crm-focus-ring, 0 0 0 3px rgb(124 172 248 / 55%));
	--_shadow: var(--crm-shadow, 0 4px 16px rgb(0 0 0 / 55%));
	color-scheme: dark;
`;

/** Tokens, light and dark, and the host's base typography. */
export const themeStyles = css`
	:host {
		${light}
		display: block;
		box-sizing: border-box;
		font-family: var(--_font);
		font-size: var(--_font-size);
		line-height: 1.45;
		color: var(--_text);
		background: var(--_bg);
		color-scheme: light;
	}
	:host([hidden]) {
		display: none;
	}
	:host([theme='dark']) {
		${dark}
	}
	@media (prefers-color-scheme: dark) {
		:host(:not([theme='light'])) {
			${dark}
		}
	}
	*,
	*::before,
	*::after {
		box-sizing: inherit;
	}
`;

/** Buttons, inputs, switches and messages shared by the widgets (plain elements, no library). */
export const controlStyles = css`
	button,
	input,
	select,
	textarea {
		font: inherit;
		color: inherit;
	}
	.button {
		display: inline-flex;
		align-items: center;
		gap: 6px;
		min-height: 32px;
		padding: 4px 12px;
		border: 1px solid var(--_border);
		border-radius: var(--_radius);
		background: var(--_bg);
		color: var(--_text);
		cursor: pointer;
		text-decoration: none;
	}
	.button:hover:not(:disabled) {
		background: var(--_hover);
	}
	.button.primary {
		background: var(--_accent);
		border-color: var(--_accent);
		color: var(--_on-accent);
	}
	.button.primary:hover:not(:disabled) {
		filter: brightness(1.08);
		background: var(--_accent);
	}
	.button.danger {
		color: var(--_danger);
		border-color: currentColor;
	}
	.button.danger.primary {
		background: var(--_danger);
		border-color: var(--_danger);
		color: var(--_bg);
	}
	.button:disabled {
		opacity: 0.55;
		cursor: not-allowed;
	}
	.button.link {
		border-color: transparent;
		background: transparent;
		color: var(--_accent);
		padding-inline: 4px;
	}
	:is(button, input, select, textarea, a, [tabindex]):focus-visible {
		outline: none;
		box-shadow: var(--_focus);
	}
	input[type='text'],
	input[type='search'],
	input[type='email'],
	input[type='date'],
	input[type='datetime-local'],
	input[type='time'],
	select,
	textarea {
		min-height: 32px;
		padding: 4px 8px;
		border: 1px solid var(--_border);
		border-radius: calc(var(--_radius) * 0.75);
		background: var(--_bg);
	}
	.visually-hidden {
		position: absolute !important;
		width: 1px;
		height: 1px;
		overflow: hidden;
		clip: rect(0 0 0 0);
		white-space: nowrap;
	}
	.error {
		padding: var(--_space) calc(var(--_space) * 1.5);
		border: 1px solid var(--_danger);
		border-radius: var(--_radius);
		color: var(--_danger);
	}
	.muted {
		color: var(--_muted);
	}
`;
