/**
 * The case file of one dispute: everything deterministic code collected from Stripe and from the merchant's
 * activity tables. The narrative writer, the evidence fields and the PDF are all rendered from this one object,
 * so every claim they make can be traced back to a fact.
 *
 * Times are ISO-8601 strings (UTC); amounts are integers in the currency's minor unit.
 */

import type { BillingSummary } from "./billing";
import type { CancellationState } from "./cancellations";
import type { ActivityKindLabel } from "./kinds";

export type FactSource = "stripe" | "merchant_db";

/** One verifiable statement, with a stable id that narratives cite, e.g. `account.signup_at`. */
export interface Fact {
	id: string;
	label: string;
	value: string | number | boolean | null;
	/** The value as a human reads it in the narrative and the PDF (formatted amount, date, …). */
	display: string;
	source: FactSource;
}

export interface DisputeSummary {
	id: string;
	amount: number;
	currency: string;
	reason: string;
	networkReasonCode: string | null;
	status: string;
	/** ISO time of the response deadline, or null when there is no response window. */
	dueBy: string | null;
	createdAt: string;
	cardBrand: string | null;
	isInquiry: boolean;
}

export interface ChargeSummary {
	id: string;
	createdAt: string;
	amount: number;
	currency: string;
	description: string | null;
	statementDescriptor: string | null;
	receiptEmail: string | null;
	billingName: string | null;
	billingEmail: string | null;
	billingCountry: string | null;
	billingPostalCode: string | null;
	cardBrand: string | null;
	cardLast4: string | null;
	cardCountry: string | null;
	cardFingerprint: string | null;
	/** `pass`, `fail`, `unavailable`, `unchecked` or null, as Stripe reports them. */
	checks: { addressLine1: string | null; addressPostalCode: string | null; cvc: string | null };
	threeDSecure: string | null;
	wallet: string | null;
	refunded: boolean;
	amountRefunded: number;
}

export interface CustomerSummary {
	id: string;
	name: string | null;
	email: string | null;
	createdAt: string | null;
}

export type AccountMatch = "stripe_customer_id" | "metadata_account_id" | "billing_email" | "customer_email";

export interface AccountSummary {
	id: string;
	email: string | null;
	name: string | null;
	createdAt: string | null;
	signupIp: string | null;
	signupUserAgent: string | null;
	country: string | null;
	emailVerifiedAt: string | null;
	termsAcceptedAt: string | null;
	termsVersion: string | null;
	matchedBy: AccountMatch;
}

export interface KindUsage {
	kind: string;
	count: number;
	firstAt: string;
	lastAt: string;
	afterCharge: number;
}

export interface WeeklyActivity {
	/** Monday of the ISO week, `YYYY-MM-DD`. */
	weekStart: string;
	count: number;
}

export interface AccessPoint {
	value: string;
	count: number;
	firstAt: string;
	lastAt: string;
}

export interface UsageSummary {
	total: number;
	firstAt: string | null;
	lastAt: string | null;
	afterCharge: number;
	lastAfterChargeAt: string | null;
	byKind: KindUsage[];
	weekly: WeeklyActivity[];
	distinctIps: number;
	distinctDevices: number;
	/** The most used IPs and devices, a bounded list. */
	topIps: AccessPoint[];
	topDevices: AccessPoint[];
	/** A bounded sample of the most recent events around and after the charge, for the access log. */
	recent: { occurredAt: string; kind: string; ip: string | null; deviceId: string | null }[];
}

export interface PriorPayments {
	count: number;
	total: number;
	currency: string;
	disputed: number;
	refunded: number;
	firstAt: string | null;
	lastAt: string | null;
}

export interface ArtifactSummary {
	id: string;
	title: string | null;
	createdAt: string | null;
	contentType: string;
	location: string;
}

export interface EvidenceCase {
	merchantName: string;
	dispute: DisputeSummary;
	charge: ChargeSummary;
	customer: CustomerSummary | null;
	account: AccountSummary | null;
	usage: UsageSummary | null;
	priorPayments: PriorPayments;
	artifacts: ArtifactSummary[];
	facts: Fact[];
	/** The merchant's labels for activity kinds (`rebuttal.activity_kinds`); the defaults apply without them. */
	activityKinds?: ActivityKindLabel[];
}

/** A paragraph of the written case and the facts it rests on. */
export interface NarrativeParagraph {
	text: string;
	factIds: string[];
}

/** Stripe's evidence text fields that a writer may fill, in the order they are built and checked. */
export const EVIDENCE_TEXT_FIELDS = [
	"product_description",
	"customer_name",
	"customer_email_address",
	"customer_purchase_ip",
	"access_activity_log",
	"service_date",
	"billing_address",
	"cancellation_policy_disclosure",
	"cancellation_rebuttal",
	"refund_policy_disclosure",
	"refund_refusal_explanation",
	"duplicate_charge_explanation",
	"uncategorized_text",
] as const;
export type EvidenceTextField = (typeof EVIDENCE_TEXT_FIELDS)[number];

export interface Narrative {
	writer: "template" | "claude";
	/** The case in one paragraph, for the cover page. */
	summary: string;
	paragraphs: NarrativeParagraph[];
	/** Texts for evidence fields, keyed by Stripe's field name. */
	fields: Partial<Record<EvidenceTextField, string>>;
}

/** Stripe's evidence file fields rebuttal fills: the report's, and those of the other documents. */
export type EvidenceFileField =
	| "receipt"
	| "service_documentation"
	| "duplicate_charge_documentation"
	| "cancellation_policy"
	| "refund_policy"
	| "customer_communication"
	| "uncategorized_file";

// Parts of the case beyond its core shape; `buildFacts` and the writers accept them as optional extras.

/** Where the IP address of the purchase came from. Never guessed: absent when no source names one. */
export type PurchaseIpSource =
	| "charge_metadata"
	| "payment_intent_metadata"
	| "checkout_event"
	| "activity_near_charge";

/** Sources that recorded the purchase IP at the purchase; `activity_near_charge` is an inference. */
export const RECORDED_PURCHASE_IP_SOURCES: ReadonlySet<PurchaseIpSource> = new Set([
	"charge_metadata",
	"payment_intent_metadata",
	"checkout_event",
]);

export interface PurchaseIp {
	ip: string;
	source: PurchaseIpSource;
	/** For `checkout_event` and `activity_near_charge`: when that activity happened. */
	observedAt: string | null;
	/** Activity events from this IP on the account before the charge. */
	priorCount: number;
	firstSeenAt: string | null;
}

/** A refund of the disputed charge, from Stripe's refunds list. */
export interface RefundRecord {
	id: string;
	amount: number;
	createdAt: string;
	status: string | null;
}

/** Extra parts `buildFacts` and the writers understand; all optional. */
export interface CaseExtras {
	/** The account's latest cancellation before the charge and any reactivation after it (activity data). */
	cancellationState?: CancellationState | null;
	/** The first earlier payment on the disputed card (for a renewal: where the cardholder saved it). */
	firstPaymentOnCard?: FirstCardPayment | null;
	/** The invoice and subscription the charge paid (Stripe Billing); null for a one-off payment. */
	billing?: BillingSummary | null;
	/** Facts that argue for the cardholder, withheld from the submitted case and shown to the operator. */
	redFlags?: { code: string; detail: string }[];
	/** Refunds of the disputed charge, newest first; absent when they were not listed. */
	refunds?: RefundRecord[];
	purchaseIp?: PurchaseIp | null;
	/** Number of artifacts on the account (the case lists only a bounded few). */
	artifactCount?: number;
	/** Logins and activity around the charge and after the service period began. */
	chargeWindow?: ChargeWindow | null;
}

/**
 * Activity around the charge: logins in the days either side of it, activity on the day of the charge, and
 * activity after the service period began (the charge time unless the charge names its period's start).
 */
export interface ChargeWindow {
	/** Days either side of the charge that the login counts cover. */
	windowDays: number;
	loginsBefore: number;
	loginsAfter: number;
	lastLoginBeforeAt: string | null;
	firstLoginAfterAt: string | null;
	/** Events of any kind within 24 hours either side of the charge. */
	eventsAroundCharge: number;
	servicePeriodStart: string;
	servicePeriodSource: "charge" | "charge_metadata";
	afterServiceStart: number;
	/** Distinct devices the account used before the charge, and whether the purchase device was one of them. */
	devicesBeforeCharge: number;
	purchaseDevice: string | null;
	purchaseDeviceSeenBefore: boolean | null;
}

/** The case before its facts are computed. */
export type CaseParts = Omit<EvidenceCase, "facts"> & CaseExtras;

/** The case as assembly collects it. */
export type CollectedCase = EvidenceCase & CaseExtras;

/** The first earlier payment on the disputed card: for a renewal, the payment where the cardholder saved it. */
export interface FirstCardPayment {
	chargeId: string;
	createdAt: string;
	threeDSecure: string | null;
	cvc: string | null;
	addressPostalCode: string | null;
	addressLine1: string | null;
}
