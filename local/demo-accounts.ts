/**
 * The demo merchant's customers: five end users of an AI design tool on a monthly plan, each with a card,
 * a signup trail and months of use. Ids are fixed so that the database (kept in `.data/`) and the Stripe
 * emulator (fresh on every start) always agree.
 */
export interface DemoAccount {
	id: string;
	name: string;
	email: string;
	country: string;
	/** Months since signup; one paid charge per month. */
	months: number;
	/** Share of days with activity (0–1). */
	activeDays: number;
	planAmount: number;
	card: { brand: string; last4: string; fingerprint: string; expMonth: number; expYear: number; funding: string };
	address: { line1: string; city: string; postal_code: string; state: string | null; country: string };
	/** The devices the user signs in from: same index = same device, IP and browser. */
	ips: string[];
	userAgents: string[];
	devices: string[];
	artifactColors: [number, number, number][];
	supportMessage: string;
}

const CHROME_MAC =
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const SAFARI_IOS =
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const FIREFOX_WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0";
const EDGE_WIN =
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0";
const CHROME_ANDROID =
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";

export const DEMO_ACCOUNTS: DemoAccount[] = [
	{
		id: "usr_ada_lovelace",
		name: "Ada Lovelace",
		email: "ada.lovelace@example.com",
		country: "US",
		months: 11,
		activeDays: 0.7,
		planAmount: 2900,
		card: {
			brand: "visa",
			last4: "4242",
			fingerprint: "Xt5EWLLDS7FJjR1c",
			expMonth: 8,
			expYear: 2029,
			funding: "credit",
		},
		address: { line1: "12 Analytical Way", city: "Portland", postal_code: "97205", state: "OR", country: "US" },
		ips: ["73.158.42.17", "73.158.42.90", "172.56.21.4"],
		userAgents: [CHROME_MAC, CHROME_MAC, SAFARI_IOS],
		devices: ["dev_ada_macbook", "dev_ada_macbook", "dev_ada_iphone"],
		artifactColors: [
			[36, 99, 235],
			[250, 204, 21],
		],
		supportMessage: "How do I export my poster series at print resolution?",
	},
	{
		id: "usr_bruno_diaz",
		name: "Bruno Díaz",
		email: "bruno.diaz@example.es",
		country: "ES",
		months: 8,
		activeDays: 0.45,
		planAmount: 1900,
		card: {
			brand: "mastercard",
			last4: "4444",
			fingerprint: "Qm3RzK8vPp2LxT0a",
			expMonth: 3,
			expYear: 2028,
			funding: "debit",
		},
		address: { line1: "Calle de Alcalá 48", city: "Madrid", postal_code: "28014", state: null, country: "ES" },
		ips: ["83.44.118.201", "88.27.9.63"],
		userAgents: [FIREFOX_WIN, CHROME_ANDROID],
		devices: ["dev_bruno_desktop", "dev_bruno_pixel"],
		artifactColors: [
			[220, 38, 38],
			[254, 243, 199],
		],
		supportMessage: "¿Puedo cambiar la factura a nombre de mi empresa?",
	},
	{
		id: "usr_lukasz_wrobel",
		name: "Łukasz Wróbel",
		email: "lukasz.wrobel@example.pl",
		country: "PL",
		months: 14,
		activeDays: 0.6,
		planAmount: 2900,
		card: {
			brand: "visa",
			last4: "1881",
			fingerprint: "Lw9TgH2cVb7NqE4s",
			expMonth: 11,
			expYear: 2027,
			funding: "credit",
		},
		address: { line1: "ul. Marszałkowska 104", city: "Warszawa", postal_code: "00-017", state: null, country: "PL" },
		ips: ["31.0.44.12", "31.0.44.13", "185.201.17.9"],
		userAgents: [EDGE_WIN, EDGE_WIN, SAFARI_IOS],
		devices: ["dev_lukasz_pc", "dev_lukasz_pc", "dev_lukasz_iphone"],
		artifactColors: [
			[22, 163, 74],
			[240, 253, 244],
		],
		supportMessage: "Czy mogę dodać drugiego użytkownika do planu?",
	},
	{
		id: "usr_dana_okafor",
		name: "Dana Okafor",
		email: "dana.okafor@example.co.uk",
		country: "GB",
		months: 9,
		activeDays: 0.55,
		planAmount: 4900,
		card: {
			brand: "amex",
			last4: "8431",
			fingerprint: "Dk4PfW1sZr8YhM6u",
			expMonth: 6,
			expYear: 2030,
			funding: "credit",
		},
		address: { line1: "221 Baker Street", city: "London", postal_code: "NW1 6XE", state: null, country: "GB" },
		ips: ["81.2.69.160", "86.14.201.33"],
		userAgents: [CHROME_MAC, SAFARI_IOS],
		devices: ["dev_dana_macbook", "dev_dana_iphone"],
		artifactColors: [
			[124, 58, 237],
			[236, 254, 255],
		],
		supportMessage: "The team invoice for last month is missing our VAT number.",
	},
	{
		id: "usr_emil_johansson",
		name: "Emil Johansson",
		email: "emil.johansson@example.se",
		country: "SE",
		months: 7,
		activeDays: 0.35,
		planAmount: 1900,
		card: {
			brand: "visa",
			last4: "0077",
			fingerprint: "Ej2NaR5tUk9WcB3d",
			expMonth: 1,
			expYear: 2031,
			funding: "debit",
		},
		address: { line1: "Drottninggatan 53", city: "Stockholm", postal_code: "111 21", state: null, country: "SE" },
		ips: ["94.254.0.88", "2.64.112.19"],
		userAgents: [FIREFOX_WIN, CHROME_ANDROID],
		devices: ["dev_emil_laptop", "dev_emil_android"],
		artifactColors: [
			[234, 88, 12],
			[30, 41, 59],
		],
		supportMessage: "Is there a yearly plan with a discount?",
	},
];

/** Deterministic Stripe ids for a demo account (the emulator accepts given ids). */
export function demoStripeIds(account: DemoAccount, month: number) {
	const key = account.id.replace(/^usr_/, "").replace(/[^a-z]/g, "");
	const tag = `${key}${String(month).padStart(2, "0")}`;
	return {
		customer: `cus_demo${key}`,
		charge: `ch_demo${tag}`,
		paymentIntent: `pi_demo${tag}`,
		paymentMethod: `pm_demo${key}`,
	};
}
