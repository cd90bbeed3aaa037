import pg from "pg";
import { emulatorControl } from "../../local/webhook";

/**
 * A fleet of synthetic customers for load and fault runs: each has its own account row (with `activityRows`
 * activity rows made in one `insert … select generate_series`), its own Stripe customer, payment intent and paid
 * charge in the emulator, with a unique name and email, so every submitted evidence can be checked against the
 * charge it belongs to.
 */
export interface FleetCustomer {
	index: number;
	accountId: string;
	customerId: string;
	chargeId: string;
	name: string;
	email: string;
}

export interface FleetOptions {
	databaseUrl: string;
	emulatorUrl: string;
	count: number;
	/** Activity rows per account (default 40). */
	activityRows?: number;
	/** Prefix of every id (default "fl"), so several fleets can share one database. */
	prefix?: string;
	/** Overrides per customer (names, emails with hostile content…). */
	identity?: (index: number) => Partial<Pick<FleetCustomer, "name" | "email">>;
}

const DAY = 86_400_000;

export async function seedFleet(options: FleetOptions): Promise<FleetCustomer[]> {
	const prefix = options.prefix ?? "fl";
	const rows = options.activityRows ?? 40;
	const signup = Date.now() - 200 * DAY;
	const paidAt = Date.now() - 40 * DAY;
	const fleet: FleetCustomer[] = Array.from({ length: options.count }, (_, index) => ({
		index,
		accountId: `${prefix}_acct_${index}`,
		customerId: `cus_${prefix}${index}`,
		chargeId: `ch_${prefix}${index}`,
		name: `Customer ${prefix.toUpperCase()} ${index}`,
		email: `${prefix}.${index}@example.test`,
		...options.identity?.(index),
	}));

	const client = new pg.Client({ connectionString: options.databaseUrl });
	await client.connect();
	try {
		await client.query(
			`insert into rebuttal.accounts (id, email, name, stripe_customer_id, created_at, signup_ip, signup_user_agent,
				country, email_verified_at, terms_accepted_at, terms_version)
			select a.id, a.email, a.name, a.cus, $4::timestamptz, '203.0.113.' || (a.n % 250), 'Mozilla/5.0 (fleet)', 'US',
				$4::timestamptz + interval '5 minutes', $4::timestamptz, '2024-05'
			from unnest($1::text[], $2::text[], $3::text[], $5::text[], $6::int[]) as a(id, email, name, cus, n)`,
			[
				fleet.map((c) => c.accountId),
				fleet.map((c) => c.email),
				fleet.map((c) => c.name),
				new Date(signup),
				fleet.map((c) => c.customerId),
				fleet.map((c) => c.index),
			],
		);
		// Activity spread evenly from signup to yesterday, so some of it follows the charge.
		await client.query(
			`insert into rebuttal.activity (account_id, occurred_at, kind, ip, user_agent, device_id, detail)
			select a.id, $2::timestamptz + (g::float / $3) * ($4::timestamptz - $2::timestamptz),
				(array['login','generation','download','export'])[1 + g % 4], '203.0.113.' || (g % 3),
				'Mozilla/5.0 (fleet)', 'device-' || (g % 2), jsonb_build_object('n', g)
			from unnest($1::text[]) as a(id), generate_series(1, $3::int) as g`,
			[fleet.map((c) => c.accountId), new Date(signup), rows, new Date(Date.now() - DAY)],
		);
	} finally {
		await client.end();
	}

	// The emulator seeds in chunks to keep each control request small.
	for (let start = 0; start < fleet.length; start += 100) {
		const chunk = fleet.slice(start, start + 100);
		await emulatorControl(options.emulatorUrl, "/_emulator/seed", {
			customers: chunk.map((c) => ({
				id: c.customerId,
				email: c.email,
				name: c.name,
				created: Math.floor(signup / 1000),
				metadata: { account_id: c.accountId },
			})),
			payment_intents: chunk.map((c) => ({
				id: `pi_${prefix}${c.index}`,
				amount: 1900 + c.index,
				currency: "usd",
				customer: c.customerId,
				created: Math.floor(paidAt / 1000),
				latest_charge: c.chargeId,
			})),
			charges: chunk.map((c) => ({
				id: c.chargeId,
				amount: 1900 + c.index,
				currency: "usd",
				customer: c.customerId,
				payment_intent: `pi_${prefix}${c.index}`,
				created: Math.floor(paidAt / 1000),
				description: "Pro plan, monthly",
				receipt_email: c.email,
				metadata: { account_id: c.accountId },
				billing_details: { name: c.name, email: c.email },
			})),
		});
	}
	return fleet;
}

export interface OpenedDispute {
	customer: FleetCustomer;
	disputeId: string;
	event: unknown;
}

/** Opens one dispute per customer in the emulator (reasons cycle) and returns each with its created event. */
export async function openDisputes(
	emulatorUrl: string,
	fleet: FleetCustomer[],
	reasons: string[] = ["fraudulent", "product_not_received", "subscription_canceled", "unrecognized"],
): Promise<OpenedDispute[]> {
	const out: OpenedDispute[] = [];
	for (const customer of fleet) {
		const created = await emulatorControl<{ dispute: { id: string }; event: unknown }>(
			emulatorUrl,
			"/_emulator/disputes",
			{ charge: customer.chargeId, reason: reasons[customer.index % reasons.length] },
		);
		out.push({ customer, disputeId: created.dispute.id, event: created.event });
	}
	return out;
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inPool<T, R>(items: T[], limit: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
		while (next < items.length) {
			const i = next++;
			results[i] = await work(items[i]!, i);
		}
	});
	await Promise.all(runners);
	return results;
}
