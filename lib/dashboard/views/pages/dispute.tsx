import type { disputeDetail } from "../../queries";
import type { ActionContext, DisputeAction } from "../../registry";
import { FightDecisionSection } from "../decision";
import { disputeHref, money, relative, when } from "../format";
import { Layout, LIVE_REFRESH_SECONDS, StageBadge } from "../layout";
import { CouldHaveHelped } from "../learn";
import { TraceDetails } from "../trace";

type Detail = Awaited<ReturnType<typeof disputeDetail>>;

function ActionButtons(props: { id: string; actions: [string, DisputeAction][]; context: ActionContext }) {
	if (props.actions.length === 0) return null;
	return (
		<div class="actions">
			{props.actions.map(([name, action]) => (
				<a class={`button ${action.danger ? "danger" : ""}`} href={`${disputeHref(props.id)}/${name}`}>
					{action.label}
					{action.hint ? ` (${action.hint(props.context)})` : ""}…
				</a>
			))}
		</div>
	);
}

export interface FactView {
	id: string;
	label: string;
	display: string;
	source?: unknown;
}

type Ce3View = NonNullable<NonNullable<Detail["assessment"]>["ce3"]>;

function Ce3Status({ ce3, assessed }: { ce3: Ce3View | null; assessed: boolean }) {
	if (!ce3) return <span class="muted">{assessed ? "does not apply" : "not assessed yet"}</span>;
	if (ce3.status === "qualified" && "matched" in ce3)
		return (
			<>
				qualified: matched on {ce3.matched.join(", ")} with prior charges {ce3.priorCharges.join(" and ")}
			</>
		);
	return (
		<span class="muted">
			{ce3.status === "not_applicable" ? "does not apply" : "not qualified"}
			{"detail" in ce3 ? `: ${ce3.detail}` : ""}
		</span>
	);
}

export function DisputePage(props: {
	csrf: string;
	dispute: Detail;
	facts: FactView[];
	actions: [string, DisputeAction][];
	/** The filing fees of appeals (APPEAL_FEES), for the appeal's button. */
	appealFees: ActionContext["appealFees"];
	flash?: string;
	live: boolean;
}) {
	const d = props.dispute;
	const ev = d.evidence;
	const pdfHref = `/api/disputes/${encodeURIComponent(d.id)}/evidence.pdf`;
	return (
		<Layout title={d.id} csrf={props.csrf} active="disputes" refresh={props.live ? LIVE_REFRESH_SECONDS : undefined}>
			<h1>
				Dispute {d.id} <StageBadge stage={d.stage} />
			</h1>
			{props.flash ? (
				<p class="flash" role="status">
					{props.flash}
				</p>
			) : null}
			<ActionButtons id={d.id} actions={props.actions} context={{ dispute: d, appealFees: props.appealFees }} />
			<dl class="kv">
				<dt>Stage</dt>
				<dd data-testid="stage">{d.stage}</dd>
				{d.stageReason ? (
					<>
						<dt>Why</dt>
						<dd>{d.stageReason}</dd>
					</>
				) : null}
				<dt>Reason</dt>
				<dd>
					{d.reason}
					{d.networkReasonCode ? ` (network code ${d.networkReasonCode})` : ""}
				</dd>
				<dt>Amount</dt>
				<dd>{money(d.amount, d.currency)}</dd>
				<dt>Stripe status</dt>
				<dd>{d.status}</dd>
				<dt>Evidence due</dt>
				<dd>
					{when(d.dueBy)} <span class="muted">{relative(d.dueBy)}</span>
				</dd>
				<dt>Charge</dt>
				<dd>{d.chargeId ?? "—"}</dd>
				{d.stripeAccount ? (
					<>
						<dt>Connected account</dt>
						<dd>{d.stripeAccount}</dd>
					</>
				) : null}
				<dt>Customer account</dt>
				<dd>{d.accountId ? `${d.accountId} (matched by ${d.accountMatch})` : (d.accountNote ?? "not matched yet")}</dd>
				{d.submittedAt ? (
					<>
						<dt>Submitted</dt>
						<dd>{when(d.submittedAt)}</dd>
					</>
				) : null}
				{d.outcome ? (
					<>
						<dt>Outcome</dt>
						<dd>{d.outcome}</dd>
					</>
				) : null}
				{d.lastError ? (
					<>
						<dt>Last error{d.failedStage ? ` (${d.failedStage})` : ""}</dt>
						<dd class="error">{d.lastError}</dd>
					</>
				) : null}
				<dt>Case strength</dt>
				<dd>
					{d.assessment ? (
						<>
							{d.assessment.tooWeak ? "too weak to fight" : d.assessment.strength} (playbook {d.assessment.playbook})
							{d.assessment.weakReason ? <span class="muted">: {d.assessment.weakReason}</span> : null}
						</>
					) : (
						<span class="muted">not assessed yet</span>
					)}
				</dd>
				{d.assessment?.compliance ? (
					<>
						<dt>Compliance case</dt>
						<dd class="notice">
							{d.assessment.compliance}: countering it costs a network fee, acknowledged only when a person approves
						</dd>
					</>
				) : null}
				<dt>Visa CE 3.0</dt>
				<dd>
					<Ce3Status ce3={d.assessment?.ce3 ?? null} assessed={Boolean(d.assessment)} />
				</dd>
			</dl>
			<FightDecisionSection decision={d.decision} />
			<CouldHaveHelped helped={d.couldHaveHelped} />

			<div class="grid2">
				<section aria-labelledby="case">
					<h2 id="case">The written case</h2>
					{ev ? (
						<>
							<p>
								Written by <strong>{ev.writer}</strong>
								{ev.writerModel ? ` (${ev.writerModel})` : ""}, playbook <strong>{ev.playbook}</strong>, staged{" "}
								{when(ev.stagedAt)}.
							</p>
							{ev.writerFallbackReason ? (
								<p class="notice">Fell back to the template: {ev.writerFallbackReason}</p>
							) : null}
							<div class="case">{ev.narrative}</div>
							{ev.trace ? <TraceDetails trace={ev.trace} /> : null}
						</>
					) : (
						<p class="muted">No evidence staged yet.</p>
					)}
				</section>
				<section aria-labelledby="timeline">
					<h2 id="timeline">Attempts</h2>
					{d.attempts.length === 0 ? (
						<p class="muted">No attempt recorded.</p>
					) : (
						<ol class="timeline">
							{d.attempts.map((a) => (
								<li class={a.outcome}>
									<strong>{a.stage}</strong>{" "}
									<span class={`badge ${a.outcome === "failed" ? "failed" : ""}`}>{a.outcome}</span>{" "}
									<span class="muted">
										{when(a.at)} · {a.actor}
										{a.deliveryAttempt ? ` · delivery ${a.deliveryAttempt}` : ""}
									</span>
									{a.error ? <div class="error">{a.error}</div> : null}
									{a.detail ? <div class="muted">{JSON.stringify(a.detail).slice(0, 300)}</div> : null}
								</li>
							))}
						</ol>
					)}
				</section>
			</div>

			{ev ? (
				<>
					<section aria-labelledby="pdf">
						<h2 id="pdf">Evidence PDF</h2>
						<p>
							{ev.pdf.pages} pages, {Math.round(ev.pdf.bytes / 1024)} KB, Stripe file {ev.fileId}.{" "}
							<a href={pdfHref} download={`${d.id}-evidence.pdf`}>
								Download the PDF
							</a>
						</p>
						{/* Sandboxed by the PDF response's own Content-Security-Policy (see functions/dashboard/evidence-pdf.ts). */}
						<iframe class="pdf" src={`${pdfHref}?preview=1`} title={`Evidence PDF of ${d.id}`} loading="lazy" />
					</section>
					<section aria-labelledby="fields">
						<h2 id="fields">Evidence fields</h2>
						<dl class="kv">
							{Object.entries(ev.fields).map(([key, value]) => (
								<>
									<dt>{key}</dt>
									<dd>{String(value)}</dd>
								</>
							))}
						</dl>
					</section>
				</>
			) : null}

			<section aria-labelledby="facts">
				<h2 id="facts">Facts</h2>
				{props.facts.length === 0 ? (
					<p class="muted">No facts collected yet.</p>
				) : (
					<table>
						<thead>
							<tr>
								<th scope="col">Fact</th>
								<th scope="col">Label</th>
								<th scope="col">Value</th>
							</tr>
						</thead>
						<tbody>
							{props.facts.map((f) => (
								<tr>
									<td>
										<code>{f.id}</code>
									</td>
									<td>{f.label}</td>
									<td>{f.display}</td>
								</tr>
							))}
						</tbody>
					</table>
				)}
			</section>
		</Layout>
	);
}
