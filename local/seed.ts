import pg from "pg";
import { DEMO_ACCOUNTS, type DemoAccount, demoStripeIds } from "./demo-accounts";
import { gradientPng } from "./png";

const DAY = 86_400_000;
const ARTIFACTS_PER_ACCOUNT = 6;

export interface DemoCustomer {
	accountId: string;
	name: string;
	email: string;
	customerId: string;
	/** Paid charges, newest first. */
	chargeIds: string[];
}

export interface SeedTarget {
	databaseUrl: string;
	/** Base URL of the built-in Stripe emulator; omit when Stripe is real (nothing is created there). */
	emulatorUrl?: string;
	/** The Worker's ARTIFACTS bucket, to hold the artifact images the rows point at. */
	artifacts?: {
		head(key: string): Promise<unknown>;
		put(key: string, value: Uint8Array, options?: object): Promise<unknown>;
	};
}

/** When the demo account signed up; its last monthly charge falls 12 days ago. */
export function signupTime(account: DemoAccount, now = Date.now()): number {
	return now - ((account.months - 1) * 30 + 12) * DAY - 3 * 3_600_000;
}

/**
 * Seeds the demo merchant: accounts, months of activity and artifacts when `rebuttal.accounts` is empty, and the
 * matching customers, payment intents and paid charges in the Stripe emulator (whose state is fresh on every
 * start). Safe to run on every start.
 */
export async function seedDemo(target: SeedTarget): Promise<{ seededDatabase: boolean; customers: DemoCustomer[] }> {
	const client = new pg.Client({ connectionString: target.databaseUrl });
	await client.connect();
	let seededDatabase = false;
	let signups = new Map<string, number>();
	try {
		const { rows } = await client.query<{ n: number }>("select count(*)::int as n from rebuttal.accounts");
		if (rows[0]?.n === 0) {
			await client.query("begin");
			for (const account of DEMO_ACCOUNTS) await seedAccount(client, account);
			await seedPolicies(client);
			await client.query("commit");
			seededDatabase = true;
		}
		// Charges follow the stored signup times, so they stay consistent with a database seeded on an earlier day.
		const stored = await client.query<{ id: string; created_at: Date }>(
			"select id, created_at from rebuttal.accounts where id = any($1::text[])",
			[DEMO_ACCOUNTS.map((a) => a.id)],
		);
		signups = new Map(stored.rows.map((r) => [r.id, r.created_at.getTime()]));
	} catch (error) {
		await client.query("rollback").catch(() => {});
		throw error;
	} finally {
		await client.end();
	}

	if (target.artifacts) await putArtifactImages(target.artifacts);
	const demo = DEMO_ACCOUNTS.map((account) =>
		buildStripeObjects(account, signups.get(account.id) ?? signupTime(account)),
	);
	if (target.emulatorUrl)
		await seedEmulator(
			target.emulatorUrl,
			demo.map((d) => d.seed),
		);
	return { seededDatabase, customers: demo.map((d) => d.customer) };
}

async function seedAccount(client: pg.Client, account: DemoAccount): Promise<void> {
	const created = new Date(signupTime(account));
	const { customer } = demoStripeIds(account, 0);
	await client.query(
		`insert into rebuttal.accounts (id, email, name, stripe_customer_id, created_at, signup_ip, signup_user_agent,
			country, email_verified_at, terms_accepted_at, terms_version)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $5::timestamptz + interval '6 minutes', $5, '2024-05')`,
		[
			account.id,
			account.email,
			account.name,
			customer,
			created,
			account.ips[0],
			account.userAgents[0],
			account.country,
		],
	);
	// Months of use in one statement: each active day has a login, a few generations and maybe a download,
	// all from one of the user's devices (same index = same IP, browser and device id).
	await client.query(
		`with days as (
			select day, 1 + floor(random() * cardinality($3::text[]))::int as dev, 1 + floor(random() * 5)::int as gens
			from generate_series(date_trunc('day', $2::timestamptz) + interval '1 day', now() - interval '1 day', interval '1 day') as day
			where random() < $6
		), rows as (
			select day + interval '8 hours' + random() * interval '3 hours' as at, 'login' as kind, dev,
				jsonb_build_object('method', 'password') as detail
			from days
			union all
			select day + interval '11 hours' + g * interval '37 minutes' + random() * interval '20 minutes', 'generation', dev,
				jsonb_build_object('template', (array['poster','logo','banner','illustration','pattern'])[1 + g % 5], 'credits', 1)
			from days, generate_series(1, gens) as g
			union all
			select day + interval '17 hours' + random() * interval '2 hours', 'download', dev,
				jsonb_build_object('format', (array['png','svg','pdf'])[1 + floor(random() * 3)::int])
			from days where random() < 0.5
		)
		insert into rebuttal.activity (account_id, occurred_at, kind, ip, user_agent, device_id, detail)
		select $1, $2::timestamptz, 'signup', ($3::text[])[1], ($4::text[])[1], ($5::text[])[1], '{"plan":"pro"}'::jsonb
		union all
		select $1, at, kind, ($3::text[])[dev], ($4::text[])[dev], ($5::text[])[dev], detail from rows
		union all
		select $1, $2::timestamptz + interval '41 days 3 hours', 'support_message', ($3::text[])[1], ($4::text[])[1],
			($5::text[])[1], jsonb_build_object('channel', 'in_app', 'message', $7::text)
		union all
		select $1, $2::timestamptz + interval '41 days 5 hours', 'support_message', null, null, null,
			jsonb_build_object('channel', 'in_app', 'from', 'merchant', 'message',
				'Thanks for writing in. Your plan and everything you made stay available; reply here if anything else comes up.')`,
		[account.id, created, account.ips, account.userAgents, account.devices, account.activeDays, account.supportMessage],
	);
	for (let n = 1; n <= ARTIFACTS_PER_ACCOUNT; n++) {
		const at = new Date(created.getTime() + (n * (Date.now() - created.getTime())) / (ARTIFACTS_PER_ACCOUNT + 1));
		await client.query(
			`insert into rebuttal.artifacts (id, account_id, created_at, title, content_type, location)
			values ($1, $2, $3, $4, 'image/png', $5)`,
			[`art_${account.id}_${n}`, account.id, at, `Design ${n} by ${account.name}`, `r2:${artifactKey(account, n)}`],
		);
	}
}

/** The demo merchant's published policies (contract §4 `rebuttal.policies`): terms, refund and two cancellation versions. */
export const DEMO_POLICIES = [
	{
		id: "pol_terms_2024_05",
		kind: "terms",
		version: "2024-05",
		title: "Terms of service",
		url: "https://studio.example/legal/terms",
		effectiveAt: "2024-05-01T00:00:00Z",
		disclosure: "linked beside the Subscribe button at checkout; a required checkbox “I agree to the Terms of service”",
		body: "These terms govern your use of the studio. A subscription renews automatically at the end of each billing period until you cancel it.",
	},
	{
		id: "pol_refund_2024_05",
		kind: "refund",
		version: "2024-05",
		title: "Refund policy",
		url: "https://studio.example/legal/refunds",
		effectiveAt: "2024-05-01T00:00:00Z",
		disclosure: "linked under the price on the checkout page and in every receipt email",
		body: "You may ask for a full refund within 14 days of your first payment of a plan.\n\nRenewals are not refunded once the new period has started, because the designs you make in it are yours to keep.",
	},
	{
		id: "pol_cancel_2024_05",
		kind: "cancellation",
		version: "2024-05",
		title: "Cancellation policy",
		url: "https://studio.example/legal/cancellation",
		effectiveAt: "2024-05-01T00:00:00Z",
		disclosure: "linked beside the Subscribe button at checkout; a required checkbox",
		body: "You can cancel at any time from Settings, Billing. The plan stays active until the end of the period you paid for.",
	},
	{
		id: "pol_cancel_2025_01",
		kind: "cancellation",
		version: "2025-01",
		title: "Cancellation policy",
		url: "https://studio.example/legal/cancellation",
		effectiveAt: "2025-01-01T00:00:00Z",
		disclosure:
			"linked beside the Subscribe button at checkout; a required checkbox; repeated in the renewal reminder email sent 7 days before each renewal",
		body: "You can cancel at any time from Settings, Billing, or by replying to any receipt email. The plan stays active until the end of the period you paid for, and you are not charged again.\n\nWe email you 7 days before each renewal with a link to cancel.",
	},
] as const;

async function seedPolicies(client: pg.Client): Promise<void> {
	for (const p of DEMO_POLICIES) {
		await client.query(
			`insert into rebuttal.policies (id, kind, version, title, body, url, effective_at, disclosure)
			values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (id) do nothing`,
			[p.id, p.kind, p.version, p.title, p.body, p.url, p.effectiveAt, p.disclosure],
		);
	}
}

function artifactKey(account: DemoAccount, n: number): string {
	return `demo/${account.id}/design-${n}.png`;
}

async function putArtifactImages(bucket: NonNullable<SeedTarget["artifacts"]>): Promise<void> {
	for (const account of DEMO_ACCOUNTS) {
		const [from, to] = account.artifactColors as [[number, number, number], [number, number, number]];
		for (let n = 1; n <= ARTIFACTS_PER_ACCOUNT; n++) {
			const key = artifactKey(account, n);
			if (await bucket.head(key)) continue;
			const image = gradientPng(240 + n * 20, 160, n % 2 ? from : to, n % 2 ? to : from);
			await bucket.put(key, new Uint8Array(image), { httpMetadata: { contentType: "image/png" } });
		}
	}
}

interface StripeSeed {
	customers: Record<string, unknown>[];
	payment_intents: Record<string, unknown>[];
	charges: Record<string, unknown>[];
}

/** The customer, payment intents and paid charges (one a month since signup) of a demo account. */
function buildStripeObjects(account: DemoAccount, signup: number): { customer: DemoCustomer; seed: StripeSeed } {
	const ids = demoStripeIds(account, 0);
	const billing = {
		name: account.name,
		email: account.email,
		phone: null,
		address: { ...account.address, line2: null },
	};
	const seed: StripeSeed = { customers: [], payment_intents: [], charges: [] };
	seed.customers.push({
		id: ids.customer,
		email: account.email,
		name: account.name,
		address: billing.address,
		created: Math.floor(signup / 1000),
		metadata: { account_id: account.id },
		invoice_settings: { default_payment_method: ids.paymentMethod },
	});
	const chargeIds: string[] = [];
	for (let month = 0; month < account.months; month++) {
		const { charge, paymentIntent, paymentMethod } = demoStripeIds(account, month);
		const created = Math.floor((signup + month * 30 * DAY + 10 * 60_000) / 1000);
		const common = {
			amount: account.planAmount,
			currency: "usd",
			customer: ids.customer,
			created,
			description: "Pro plan, monthly",
			metadata: { account_id: account.id },
			receipt_email: account.email,
		};
		seed.payment_intents.push({ ...common, id: paymentIntent, latest_charge: charge, payment_method: paymentMethod });
		seed.charges.push({
			...common,
			id: charge,
			payment_intent: paymentIntent,
			payment_method: paymentMethod,
			statement_descriptor: "CANVASLY PRO",
			calculated_statement_descriptor: "CANVASLY PRO",
			billing_details: billing,
			payment_method_details: {
				type: "card",
				card: {
					brand: account.card.brand,
					network: account.card.brand,
					last4: account.card.last4,
					fingerprint: account.card.fingerprint,
					exp_month: account.card.expMonth,
					exp_year: account.card.expYear,
					funding: account.card.funding,
					country: account.address.country,
					checks: { address_line1_check: "pass", address_postal_code_check: "pass", cvc_check: "pass" },
				},
			},
		});
		chargeIds.unshift(charge);
	}
	const customer = {
		accountId: account.id,
		name: account.name,
		email: account.email,
		customerId: ids.customer,
		chargeIds,
	};
	return { customer, seed };
}

async function seedEmulator(emulatorUrl: string, seeds: StripeSeed[]): Promise<void> {
	const body: StripeSeed = { customers: [], payment_intents: [], charges: [] };
	for (const seed of seeds) {
		body.customers.push(...seed.customers);
		body.payment_intents.push(...seed.payment_intents);
		body.charges.push(...seed.charges);
	}
	const response = await fetch(`${emulatorUrl}/_emulator/seed`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`seeding the Stripe emulator failed: ${response.status} ${await response.text()}`);
}
