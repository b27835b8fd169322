import { css } from 'lit';

// On top of the shared theme (widgets/shared/theme.styles.ts: --_text, --_bg, --_accent, …, light
// and dark); the calendar's own knobs derive from them, so they follow the theme too.
export default css`
	:host {
		--_hour: var(--crm-calendar-hour-height, 3rem);
		--_event-bg: var(--crm-calendar-event-bg, color-mix(in srgb, var(--_accent) 14%, var(--_bg)));
		--_event-color: var(--crm-calendar-event-color, var(--_text));
		--_span-bg: var(--crm-calendar-span-bg, color-mix(in srgb, var(--_accent) 26%, var(--_bg)));
		--_today-bg: var(--crm-calendar-today-bg, color-mix(in srgb, var(--_accent) 7%, var(--_bg)));
		--_outside: var(--crm-calendar-outside-color, var(--_muted));
	}
	.toolbar,
	.nav,
	.actions {
		display: flex;
		flex-wrap: wrap;
		align-items: center;
		gap: 4px;
	}
	.toolbar {
		justify-content: space-between;
		gap: var(--_space);
		padding-block: var(--_space);
	}
	.actions {
		gap: var(--_space);
	}
	.views {
		display: flex;
	}
	.views .button {
		border-radius: 0;
		margin-inline-start: -1px;
	}
	.views .button:first-child {
		border-radius: var(--_radius) 0 0 var(--_radius);
	}
	.views .button:last-child {
		border-radius: 0 var(--_radius) var(--_radius) 0;
	}
	.views [aria-pressed='true'] {
		background: var(--_accent);
		border-color: var(--_accent);
		color: var(--_on-accent);
	}
	.title {
		margin: 0 0 0 var(--_space);
		font-size: 1.15em;
		font-weight: 600;
	}
	.status {
		color: var(--_muted);
		padding-block: 4px;
	}
	.status:empty {
		display: none;
	}
	.error {
		margin-block: 4px;
	}
	ul {
		list-style: none;
		margin: 0;
		padding: 0;
	}
	.month,
	.week {
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
		padding: 4px;
		text-align: center;
		color: var(--_muted);
		font-weight: 600;
		border-bottom: 1px solid var(--_border);
	}
	abbr {
		text-decoration: none;
	}
	.day {
		min-height: 6rem;
		padding: 2px;
		border-right: 1px solid var(--_border);
		border-bottom: 1px solid var(--_border);
		overflow: hidden;
	}
	.day:last-child {
		border-right: 0;
	}
	.day-number {
		display: block;
		padding: 0 4px;
		font-size: 0.85em;
	}
	[part~='outside'] .day-number {
		color: var(--_outside);
	}
	[part~='today'] {
		background-color: var(--_today-bg);
	}
	[part~='today'] .day-number {
		color: var(--_accent);
		font-weight: 700;
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
		padding: 0 4px;
		font-size: 0.85em;
		border: 0;
		border-inline-start: 3px solid var(--_accent);
		border-radius: 4px;
		background: var(--_event-bg);
		color: var(--_event-color);
		cursor: pointer;
	}
	.event.spanning {
		border-inline-start-width: 0;
		background: var(--_span-bg);
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
		padding: 0 4px;
		font-size: 0.8em;
		color: var(--_muted);
		background: none;
		cursor: pointer;
	}
	.week {
		position: relative;
		max-height: var(--crm-calendar-body-height, 36rem);
		overflow: auto;
	}
	.week-header,
	.all-day-row,
	.time-row {
		display: grid;
		grid-template-columns: 3.5rem repeat(var(--crm-calendar-days, 7), minmax(0, 1fr));
	}
	.week-head {
		position: sticky;
		top: 0;
		z-index: 2;
		background: var(--_bg);
	}
	.row-label,
	.corner {
		font-size: 0.75em;
		color: var(--_muted);
		padding: 2px;
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
		padding-inline-end: 4px;
	}
	.hour {
		transform: translateY(-0.6em);
	}
	.day-column {
		position: relative;
		height: calc(var(--_hour) * 24);
		border-left: 1px solid var(--_border);
		background-image: repeating-linear-gradient(
			to bottom,
			var(--_border) 0 1px,
			transparent 1px var(--_hour)
		);
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
	.box.short {
		min-height: 1.5em;
	}
	.box.short .event {
		white-space: nowrap;
		line-height: 1.2;
	}
	dialog {
		color: var(--_text);
		background: var(--_bg);
		border: 1px solid var(--_border);
		border-radius: var(--_radius);
		box-shadow: var(--_shadow);
		width: min(32rem, calc(100vw - 2rem));
		padding: calc(var(--_space) * 2);
	}
	dialog::backdrop {
		background: rgb(0 0 0 / 40%);
	}
	.dialog-title {
		margin: 0 0 var(--_space);
		font-size: 1.15em;
	}
	h4 {
		margin: calc(var(--_space) * 1.5) 0 4px;
		font-size: 0.95em;
	}
	.attendees li,
	.links li {
		display: flex;
		flex-wrap: wrap;
		gap: 4px;
		align-items: center;
		padding-block: 2px;
	}
	.response,
	.links .button {
		margin-inline-start: auto;
	}
	.response {
		color: var(--_muted);
	}
	.field {
		display: grid;
		gap: 4px;
		margin-block: var(--_space);
	}
	.check {
		display: flex;
		gap: var(--_space);
		align-items: center;
	}
	.results {
		display: grid;
		gap: 4px;
	}
	.results .button {
		width: 100%;
	}
	.dialog-actions {
		display: flex;
		justify-content: flex-end;
		gap: var(--_space);
		margin-top: calc(var(--_space) * 2);
	}
	a {
		color: var(--_accent);
	}
`;
