import type { listEarlyFraudWarnings } from "../../queries";
import { money, when } from "../format";
import { Layout } from "../layout";

type Warnings = Awaited<ReturnType<typeof listEarlyFraudWarnings>>;

const ACTION_LABEL = { recorded: "recorded", refunded: "refunded", not_refunded: "not refunded" } as const;

/** Radar early fraud warnings and what rebuttal did about each (the EFW_REFUND_MAX_AMOUNT policy). */
export function WarningsPage(props: { csrf: string; data: Warnings; refundLimit: number | undefined }) {
	const { totals, warnings } = props.data;
	const refunded = totals.refunded;
	return (
		<Layout title="Fraud warnings" csrf={props.csrf} active="warnings">
			<h1>Early fraud warnings</h1>
			<p class="muted">
				Card issuers warn of likely fraud before a cardholder disputes.{" "}
				{props.refundLimit === undefined
					? "Warnings are recorded only: set EFW_REFUND_MAX_AMOUNT to refund small actionable ones and prevent their disputes."
					: `Actionable warnings on charges up to ${props.refundLimit} (minor units) are refunded once, to prevent the dispute.`}
			</p>
			<div class="cards">
				<div class="card">
					<div class="n">{Object.values(totals).reduce((n, t) => n + (t?.count ?? 0), 0)}</div>
					<div class="l">warnings</div>
				</div>
				<div class="card">
					<div class="n">{refunded?.count ?? 0}</div>
					<div class="l">refunded to prevent a dispute</div>
				</div>
			</div>
			{warnings.length === 0 ? (
				<p class="muted">No early fraud warning yet.</p>
			) : (
				<table>
					<thead>
						<tr>
							<th scope="col">Warning</th>
							<th scope="col">Charge</th>
							<th scope="col" class="num">
								Amount
							</th>
							<th scope="col">Fraud type</th>
							<th scope="col">Actionable</th>
							<th scope="col">What rebuttal did</th>
							<th scope="col">Recorded</th>
						</tr>
					</thead>
					<tbody>
						{warnings.map((w) => (
							<tr>
								<td>{w.id}</td>
								<td>
									{w.chargeId}
									{w.stripeAccount ? <span class="muted"> ({w.stripeAccount})</span> : null}
								</td>
								<td class="num">{w.amount === null ? "—" : money(w.amount, w.currency ?? "")}</td>
								<td>{w.fraudType}</td>
								<td>{w.actionable ? "yes" : "no"}</td>
								<td>
									<strong>{ACTION_LABEL[w.action]}</strong>
									{w.refundId ? ` (${w.refundId})` : ""}
									{w.actionReason ? <span class="muted">: {w.actionReason}</span> : null}
								</td>
								<td>{when(w.recordedAt)}</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</Layout>
	);
}
