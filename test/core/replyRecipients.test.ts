// Who a reply goes to: sender or Reply-To, one's own message answered to its recipients, Reply
// All copying To and Cc without the account itself or repeats.
import { replyRecipients } from '../../core';

const ann = { name: 'Ann Lee', email: 'ann@example.com' };
const bob = { name: null, email: 'bob@example.org' };
const carla = { name: 'Carla', email: 'carla@example.net' };
const desk = { name: 'Help Desk', email: 'desk@example.com' };
const me = { name: 'Sandbox User', email: 'me@crm-connect.test' };
const alias = { name: 'Sales', email: 'sales@crm-connect.test' };

describe('replyRecipients', () => {
	it('answers the sender, or the Reply-To addresses when the message names them', () => {
		const original = { from: [ann], to: [me, bob], cc: [carla], replyTo: [] };
		expect(replyRecipients(original, { ownAddresses: [me.email] })).toEqual({
			to: [ann],
			cc: [],
		});
		expect(
			replyRecipients({ ...original, replyTo: [desk] }, { ownAddresses: [me.email] }).to,
		).toEqual([desk]);
	});

	it('copies To and Cc on Reply All, never the account (any of its addresses) nor whoever is in To', () => {
		const original = {
			from: [ann],
			to: [{ ...me, email: 'ME@crm-connect.test' }, bob, alias],
			cc: [carla, { name: 'Ann again', email: 'ANN@example.com' }, bob],
			replyTo: [],
		};
		expect(
			replyRecipients(original, {
				ownAddresses: [me.email, alias.email],
				replyToAll: true,
				cc: [desk, carla],
			}),
		).toEqual({ to: [ann], cc: [bob, carla, desk] });
	});

	it("answers one's own message to its recipients, whatever its From says when the account sent it", () => {
		const sent = { from: [me], to: [bob, carla], cc: [desk], replyTo: [] };
		expect(replyRecipients(sent, { ownAddresses: [me.email] })).toEqual({
			to: [bob, carla],
			cc: [],
		});
		expect(
			replyRecipients(
				{ ...sent, from: [{ name: 'Shared box', email: 'team@example.com' }], sentByAccount: true },
				{ ownAddresses: [me.email], replyToAll: true },
			),
		).toEqual({ to: [bob, carla], cc: [desk] });
	});
});
