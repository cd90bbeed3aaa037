import { PDFDocument, StandardFonts } from "pdf-lib";
import Stripe from "stripe";
import {
	EmulatorControls,
	type StripeEmulator,
	type StripeEmulatorOptions,
	startStripeEmulator,
} from "../../local/stripe-emulator";

export interface EmulatorHarness {
	emulator: StripeEmulator;
	controls: EmulatorControls;
	/** A stripe-node client pointed at the emulator (no retries unless asked). */
	stripe(options?: { key?: string; maxNetworkRetries?: number; stripeAccount?: string }): Stripe;
	/** Raw HTTP to the emulator with a valid test key. */
	api(path: string, init?: RequestInit & { account?: string; key?: string | null }): Promise<Response>;
	close(): Promise<void>;
}

export async function startEmulatorHarness(options: StripeEmulatorOptions = {}): Promise<EmulatorHarness> {
	const emulator = await startStripeEmulator(options);
	const controls = new EmulatorControls(emulator.url);
	return {
		emulator,
		controls,
		stripe: ({ key = "sk_test_emulator", maxNetworkRetries = 0, stripeAccount } = {}) =>
			new Stripe(key, {
				host: "127.0.0.1",
				port: emulator.port,
				protocol: "http",
				httpClient: Stripe.createFetchHttpClient(),
				maxNetworkRetries,
				stripeAccount,
			}),
		api: (path, { account, key = "sk_test_emulator", headers, ...init } = {}) =>
			fetch(`${emulator.url}${path}`, {
				...init,
				headers: {
					...(key ? { Authorization: `Bearer ${key}` } : {}),
					...(account ? { "Stripe-Account": account } : {}),
					...(init.body ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
					...(headers as Record<string, string> | undefined),
				},
			}),
		close: () => emulator.close(),
	};
}

/** Seeds a customer, payment intent and charge, and opens a dispute on the charge through the test control. */
export async function seedDispute(
	controls: EmulatorControls,
	options: {
		account?: string;
		reason?: string;
		status?: "needs_response" | "warning_needs_response";
		due_by?: number;
		created?: number;
	} = {},
) {
	const account = options.account;
	const seeded = await controls.seed({
		customers: [{ email: "jenny@example.com", name: "Jenny Rosen", account }],
	});
	const customer = seeded.customers[0]!;
	const { payment_intents } = await controls.seed({
		payment_intents: [{ customer: customer.id, amount: 4900, account }],
	});
	const paymentIntent = payment_intents[0]!;
	const { charges } = await controls.seed({
		charges: [{ payment_intent: paymentIntent.id, account, ...(options.created ? { created: options.created } : {}) }],
	});
	const charge = charges[0]!;
	const { dispute, event } = await controls.createDispute({
		charge: charge.id,
		reason: options.reason ?? "fraudulent",
		status: options.status,
		due_by: options.due_by,
		account,
	});
	return { customer, paymentIntent, charge, dispute, event };
}

/** A real PDF with `pages` pages, made with pdf-lib. */
export async function makePdf(pages: number): Promise<Buffer> {
	const doc = await PDFDocument.create();
	const font = await doc.embedFont(StandardFonts.Helvetica);
	for (let i = 0; i < pages; i++) {
		doc.addPage([612, 792]).drawText(`Evidence page ${i + 1}`, { x: 72, y: 700, size: 12, font });
	}
	return Buffer.from(await doc.save());
}

/** A PNG signature followed by `size - 8` padding bytes: sniffs as PNG, of exactly `size` bytes. */
export function pngOfSize(size: number): Buffer {
	const data = Buffer.alloc(size, 0);
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(data);
	return data;
}
