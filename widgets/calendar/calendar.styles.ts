import { css } from 'lit';

// Colours come from the shared --crm-* tokens (with fallbacks so the calendar stands alone);
// calendar-only tokens are derived from them, so light and dark follow the page's theme.
export default css`
	:host {
		--_bg: var(--crm-color-bg, #ffffff);
		--_text: var(--crm-color-text, #1f2328);
		--_muted: var(--crm-color-muted, #59636e);
		--_border: var(--crm-color-border, #d1d9e0);
		--_accent: var(--crm-color-accent, #0b57d0);
		--_danger: var(--crm-color-danger, #b3261e);
		--_radius: var(--crm-radius, 6px);
		--_hour: var(--crm-calendar-hour-height, 3rem);
		--_event-bg: var(--crm-calendar-event-bg, color-mix(in srgb, var(--_accent) 14%, var(--_bg)));
		--_event-color: var(--crm-calendar-event-color, var(--_text));
		--_today-bg: var(--crm-calendar-today-bg, color-mix(in srgb, var(--_accent) 7%, var(--_bg)));
		--_outside: var(--crm-calendar-outside-color, var(--_muted));
		display: block;
		color: var(--_text);
		background: var(--_bg);
		font: var(--crm-font-size, 0.875rem) / 1.4 var(--crm-font, system-ui, sans-serif);
		color-scheme: light;
	}
	:host([theme='dark']) {
		--_bg: var(--crm-color-bg, #16191d);
		--_text: var(--crm-color-text, #e6e8eb);
		--_muted: var(--crm-color-muted, #a4acb5);
		--_border: var(--crm-color-border, #3a4047);
		--_accent: var(--crm-color-accent, #8ab4f8);
		--_danger: var(--crm-color-danger, #f2b8b5);
		color-scheme: dark;
	}
	@media (prefers-color-scheme: dark) {
		:host(:not([theme='light'])) {
			--_bg: var(--crm-color-bg, #16191d);
			--_text: var(--crm-color-text, #e6e8eb);
			--_muted: var(--crm-color-muted, #a4acb5);
			--_border: var(--crm-color-border, #3a4047);
			--_accent: var(--crm-color-accent, #8ab4f8);
			--_danger: var(--crm-color-danger, #f2b8b5);
			color-scheme: dark;
		}
	}
	*,
	*::before,
	*::after {
		box-sizing: border-box;
	}
	.sr-only {
		position: absolute;
		width: 1px;
		height: 1px;
		overflow: hidden;
		clip: rect(0 0 0 0);
		white-space: nowrap;
	}
	button,
	select,
	input {
		font: inherit;
		color: inherit;
	}
	button,
	select {
		background: var(--_bg);
		border: 1px solid var(--_border);
		border-radius: var(--_radius);
		padding: 0.25rem 0.6rem;
		cursor: pointer;
	}
	button:disabled {
		cursor: default;
		opacity: 0.6;
	}
	:focus-visible {
		outline: 2px solid var(--_accent);
		outline-offset: 1px;
	}
	.toolbar {
		display: flex;
		flex-wrap: wrap;
		align-items: center;
		justify-content: space-between;
		gap: 0.5rem;
		padding: 0.5rem 0;
	}
	.nav,
	.actions,
	.views {
		display: flex;
		align-items: center;
		gap: 0.25rem;
	}
	.actions {
		gap: 0.5rem;
	}
	.views button[aria-pressed='true'] {
		background: var(--_accent);
		border-color: var(--_accent);
		color: var(--_bg);
	}
	.title {
		margin: 0 0 0 0.5rem;
		font-size: 1.1em;
		font-weight: 600;
	}
	.status:empty {
		display: none;
	}
	.status {
		color: var(--_muted);
		padding: 0.25rem 0;
	}
	.error {
		color: var(--_danger);
		padding: 0.25rem 0;
	}
	ul {
		list-style: none;
		margin: 0;
		padding: 0;
	}
	.month {
		display: grid;
		border: 1px solid var(--_border);
		border-radius: var(--_radius);
		overflow: hidden;
	}
	.weekdays,
	.week-row {
		display: grid;
		grid-template-columns: repeat(7, minmax(0, 1fr));
	}
	.column-header {
		padding: 0.25rem;
		text-align: center;
		color: var(--_muted);
		font-weight: 600;
		border-bottom: 1px solid var(--_border);
	}
	.column-header abbr {
		text-decoration: none;
	}
	.day {
		min-height: 6rem;
		padding: 0.2rem;
		border-right: 1px solid var(--_border);
		border-bottom: 1px solid var(--_border);
		overflow: hidden;
	}
	.week-row > .day:last-child {
		border-right: 0;
	}
	[part~='outside'] .day-number {
		color: var(--_outside);
	}
	[part~='today'] {
		background: var(--_today-bg);
	}
	[part~='today'] .day-number {
		color: var(--_accent);
		font-weight: 700;
	}
	.day-number {
		display: block;
		font-size: 0.85em;
		padding: 0 0.2rem;
	}
	.chips {
		display: grid;
		gap: 2px;
	}
	.event {
		display: block;
		width: 100%;
		overflow: hidden;
		text-overflow: ellipsis;
		white-space: nowrap;
		text-align: start;
		padding: 0 0.3rem;
		font-size: 0.85em;
		border: 0;
		border-inline-start: 3px solid var(--_accent);
		border-radius: calc(var(--_radius) / 2);
		background: var(--_event-bg);
		color: var(--_event-color);
	}
	.event.spanning {
		border-inline-start-width: 0;
		background: color-mix(in srgb, var(--_accent) 28%, var(--_bg));
	}
	[part~='continued'] {
		border-start-start-radius: 0;
		border-end-start-radius: 0;
	}
	.event-time {
		font-variant-numeric: tabular-nums;
	}
	.more {
		border: 0;
		padding: 0 0.3rem;
		font-size: 0.8em;
		color: var(--_muted);
		background: none;
	}
	.week {
		display: grid;
		border: 1px solid var(--_border);
		border-radius: var(--_radius);
		max-height: var(--crm-calendar-body-height, 36rem);
		overflow: auto;
	}
	.week-header,
	.all-day-row,
	.time-row {
		display: grid;
		grid-template-columns: 3.5rem repeat(var(--crm-calendar-days, 7), minmax(0, 1fr));
	}
	.week-header {
		position: sticky;
		top: 0;
		z-index: 2;
		background: var(--_bg);
	}
	.row-label,
	.corner {
		font-size: 0.75em;
		color: var(--_muted);
		padding: 0.2rem;
		border-bottom: 1px solid var(--_border);
	}
	.all-day-cell {
		padding: 2px;
		border-left: 1px solid var(--_border);
		border-bottom: 1px solid var(--_border);
		min-height: 1.6rem;
	}
	.hours {
		display: grid;
		grid-template-rows: repeat(24, var(--_hour));
		font-size: 0.75em;
		color: var(--_muted);
		text-align: end;
		padding-inline-end: 0.3rem;
	}
	.hour {
		transform: translateY(-0.6em);
	}
	.day-column {
		position: relative;
		height: calc(var(--_hour) * 24);
		border-left: 1px solid var(--_border);
		background: repeating-linear-gradient(
			to bottom,
			var(--_border) 0 1px,
			transparent 1px var(--_hour)
		);
	}
	.day-column[part~='today'] {
		background-color: var(--_today-bg);
	}
	.box {
		position: absolute;
		padding: 1px;
	}
	.box .event {
		height: 100%;
		white-space: normal;
		align-content: start;
	}
	dialog {
		color: var(--_text);
		background: var(--_bg);
		border: 1px solid var(--_border);
		border-radius: var(--_radius);
		width: min(32rem, calc(100vw - 2rem));
		padding: 1rem 1.25rem;
	}
	dialog::backdrop {
		background: rgb(0 0 0 / 0.4);
	}
	.dialog-title {
		margin: 0 0 0.5rem;
		font-size: 1.15em;
	}
	h4 {
		margin: 0.75rem 0 0.25rem;
		font-size: 0.95em;
	}
	.attendees li,
	.links li {
		display: flex;
		flex-wrap: wrap;
		gap: 0.25rem;
		align-items: center;
		padding: 0.15rem 0;
	}
	.response {
		margin-inline-start: auto;
		color: var(--_muted);
	}
	.links button {
		margin-inline-start: auto;
	}
	.field {
		display: grid;
		gap: 0.2rem;
		margin: 0.5rem 0;
	}
	.field input {
		padding: 0.3rem 0.4rem;
		border: 1px solid var(--_border);
		border-radius: var(--_radius);
		background: var(--_bg);
	}
	.check {
		display: flex;
		gap: 0.4rem;
		align-items: center;
	}
	.results {
		display: grid;
		gap: 0.25rem;
	}
	.results button {
		width: 100%;
		text-align: start;
	}
	.dialog-actions {
		display: flex;
		justify-content: flex-end;
		gap: 0.5rem;
		margin-top: 1rem;
	}
	a {
		color: var(--_accent);
	}
`;
