import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import {
	sampleCalendarChange,
	startCalendarSync,
	syncCalendarChanges,
	type CalendarChange,
	type CalendarChangeType,
	type CalendarEventUpdate,
	type CalendarSyncState,
} from '../../core';
import { calendarConnection, calendarNotFound } from '../shared/calendarConnection';
import { toNodeError } from '../shared/providerErrors';

/** Kinds of change an `updated` event may be limited to. */
export type UpdateKind =
	| 'time'
	| 'responses'
	| 'attendees'
	| 'status'
	| 'title'
	| 'location'
	| 'description'
	| 'recurrence';

export interface CalendarTriggerSettings {
	calendarIds: string[];
	changeTypes: CalendarChangeType[];
	/** Emit an update only when one of these changed (empty: any change). */
	updateKinds: UpdateKind[];
}

/**
 * What the trigger keeps in the workflow's static data, per selected calendar: the calendar
 * source's cursor and the snapshot of event versions (CalendarSyncState), plain JSON.
 */
interface CalendarTriggerData extends IDataObject {
	calendars?: Record<string, CalendarSyncState & IDataObject>;
}

function hasKind(changes: CalendarEventUpdate, kind: UpdateKind): boolean {
	switch (kind) {
		case 'responses':
			return Object.keys(changes.responses).length > 0;
		case 'attendees':
			return changes.attendeesAdded.length > 0 || changes.attendeesRemoved.length > 0;
		default:
			return changes[kind];
	}
}

function isWanted(change: CalendarChange, settings: CalendarTriggerSettings): boolean {
	if (!settings.changeTypes.includes(change.changeType)) return false;
	if (change.changeType !== 'updated' || settings.updateKinds.length === 0) return true;
	return settings.updateKinds.some((kind) => change.changes && hasKind(change.changes, kind));
}

const toItem = (change: CalendarChange): INodeExecutionData => ({
	json: { changeType: change.changeType, ...change.record, changes: change.changes } as IDataObject,
});

/**
 * One poll: a calendar seen for the first time gets its baseline (nothing is emitted); the others
 * report what changed since their cursor, every page read. The stored states are replaced only
 * once every calendar was read, so a failure moves no cursor. A selected calendar that Google
 * does not know fails every poll, naming it.
 */
export async function pollCalendars(
	context: IPollFunctions,
	settings: CalendarTriggerSettings,
): Promise<INodeExecutionData[]> {
	const failure = (error: unknown, calendarId?: string) =>
		toNodeError(context.getNode(), error, {
			provider: 'Google',
			permission: 'calendar.readonly',
			notFound: calendarId === undefined ? undefined : calendarNotFound(calendarId),
		});
	let calendar: Awaited<ReturnType<typeof calendarConnection>>['calendar'];
	try {
		({ calendar } = await calendarConnection(context));
	} catch (error) {
		throw failure(error);
	}
	if (context.getMode() === 'manual') {
		for (const calendarId of settings.calendarIds) {
			try {
				const sample = await sampleCalendarChange(calendar, calendarId, settings.changeTypes);
				if (sample) return [toItem(sample)];
			} catch (error) {
				throw failure(error, calendarId);
			}
		}
		return [];
	}
	const data = context.getWorkflowStaticData('node') as CalendarTriggerData;
	const previous = data.calendars ?? {};
	const next: NonNullable<CalendarTriggerData['calendars']> = {};
	const items: INodeExecutionData[] = [];
	// `primary` and the account's address name one calendar: its changes are emitted once.
	const emittedFor = new Set<string>();
	for (const calendarId of settings.calendarIds) {
		const state = previous[calendarId];
		try {
			if (!state) {
				next[calendarId] = (await startCalendarSync(calendar, calendarId)) as typeof state;
				continue;
			}
			const result = await syncCalendarChanges(calendar, state);
			next[calendarId] = result.state as typeof state;
			if (emittedFor.has(result.state.calendarId)) continue;
			emittedFor.add(result.state.calendarId);
			for (const change of result.changes) {
				if (isWanted(change, settings)) items.push(toItem(change));
			}
		} catch (error) {
			throw failure(error, calendarId);
		}
	}
	// Calendars no longer selected are dropped; choosing one again starts a new baseline.
	data.calendars = next;
	return items;
}
