import { STAGES } from "../../../schema";
import type { EvidenceTrace } from "../../narrative/trace";
import type { disputeDetail, disputeRatio, listDisputes, outcomeStats, overview } from "../queries";
import type { DisputeAction, GlobalAction } from "../registry";
import { BarChart, RatioGauge } from "./charts";
import { disputeHref, money, pct, relative, when } from "./format";
import { CsrfField, Layout, StageBadge } from "./layout";

type Overview = Awaited<ReturnType<typeof overview>>;
type DisputeList = Awaited<ReturnType<typeof listDisputes>>;
type DisputeListItem = DisputeList["disputes"][number];
type Detail = Awaited<ReturnType<typeof disputeDetail>>;
type Outcomes = Awaited<ReturnType<typeof outcomeStats>>;
type Ratio = Awaited<ReturnType<typeof disputeRatio>>;

/** Refresh interval (seconds) while disputes are in flight. */
export const LIVE_REFRESH_SECONDS = 3;

export function LoginPage(props: { error?: string; status?: string }) {
	return (
		<Layout title="Log in">
			<form class="login" method="post" action="/dashboard/login">
				<h1>rebuttal dashboard</h1>
				{props.error ? (
					<p class="error" role="alert">
						{props.error}
					</p>
				) : null}
				{props.status ? <p class="flash">{props.status}</p> : null}
				<label for="token">Dashboard token</label>
				<input id="token" name="token" type="password" autocomplete="current-password" required maxlength={512} />
				<p>
					<button type="submit">Log in</button>
				</p>
				<p class="muted">The operator secret configured as DASHBOARD_TOKEN.</p>
			</form>
		</Layout>
	);
}

export function MessagePage(props: { title: string; message: string; csrf?: string; back?: string }) {
	return (
		<Layout title={props.title} csrf={props.csrf}>
			<h1>{props.title}</h1>
			<p>{props.message}</p>
			{props.back ? (
				<p>
					<a href={props.back}>Back</a>
				</p>
			) : null}
		</Layout>
	);
}

function DisputeTable({ rows, empty }: { rows: DisputeListItem[]; empty: string }) {
	if (rows.length === 0) return <p class="muted">{empty}</p>;
	return (
		<table>
			<thead>
				<tr>
					<th scope="col">Dispute</th>
					<th scope="col">Stage</th>
					<th scope="col">Reason</th>
					<th scope="col" class="num">
						Amount
					</th>
					<th scope="col">Due</th>
					<th scope="col">Last error</th>
				</tr>
			</thead>
			<tbody>
				{rows.map((d) => (
					<tr>
						<td>
							<a href={disputeHref(d.id)}>{d.id}</a>
						</td>
						<td>
							<StageBadge stage={d.stage} />
						</td>
						<td>{d.reason}</td>
						<td class="num">{money(d.amount, d.currency)}</td>
						<td>
							{when(d.dueBy)} <span class="muted">{relative(d.dueBy)}</span>
						</td>
						<td class="error">{d.lastError ? d.lastError.slice(0, 160) : ""}</td>
					</tr>
				))}
			</tbody>
		</table>
	);
}

export function OverviewPage(props: { csrf: string; data: Overview; ratio: Ratio; backfill: [string, GlobalAction] }) {
	const { data } = props;
	const decided = data.outcomes.won + data.outcomes.lost;
	return (
		<Layout
			title="Overview"
			csrf={props.csrf}
			active="overview"
			refresh={data.inFlight > 0 ? LIVE_REFRESH_SECONDS : undefined}
		>
			<h1>Overview</h1>
			<div class="actions">
				<a class="button" href={`/dashboard/actions/${props.backfill[0]}`}>
					{props.backfill[1].label}…
				</a>
			</div>
			<section aria-labelledby="stages">
				<h2 id="stages">Disputes per stage</h2>
				<div class="cards">
					{STAGES.map((stage) => (
						<a class="card" href={`/dashboard/disputes?stage=${stage}`} style="text-decoration:none;color:inherit">
							<div class="n" data-stage={stage}>
								{data.stages[stage]?.count ?? 0}
							</div>
							<div class="l">
								<StageBadge stage={stage} />
							</div>
						</a>
					))}
				</div>
			</section>
			<section aria-labelledby="figures">
				<h2 id="figures">At a glance</h2>
				<div class="cards">
					<div class="card">
						<div class="n">
							{data.atStake.length ? data.atStake.map((r) => money(r.amount, r.currency)).join(" + ") : "—"}
						</div>
						<div class="l">at stake in open disputes</div>
					</div>
					<div class="card">
						<div class="n">{data.dueSoon.length}</div>
						<div class="l">deadlines within 48 hours</div>
					</div>
					<a class="card" href="/dashboard/failed" style="text-decoration:none;color:inherit">
						<div class="n" style={data.outcomes.failed ? "color:#b42318" : undefined}>
							{data.outcomes.failed}
						</div>
						<div class="l">failed (dead letters)</div>
					</a>
					<a class="card" href="/dashboard/disputes?stage=awaiting_review" style="text-decoration:none;color:inherit">
						<div class="n">{data.outcomes.awaitingReview}</div>
						<div class="l">awaiting review</div>
					</a>
					<a class="card" href="/dashboard/outcomes" style="text-decoration:none;color:inherit">
						<div class="n">{decided ? pct(data.outcomes.won / decided) : "—"}</div>
						<div class="l">
							win rate ({data.outcomes.won} won, {data.outcomes.lost} lost)
						</div>
					</a>
					<a class="card" href="/dashboard/outcomes" style="text-decoration:none;color:inherit">
						<div class="n">{props.ratio.ratio === null ? "—" : `${(props.ratio.ratio * 100).toFixed(2)} %`}</div>
						<div class="l">dispute ratio, last 30 days</div>
					</a>
				</div>
			</section>
			<section aria-labelledby="due">
				<h2 id="due">Deadlines within 48 hours</h2>
				<DisputeTable rows={data.dueSoon} empty="No open dispute is due within 48 hours." />
			</section>
		</Layout>
	);
}

export interface ListFilters {
	stage?: string;
	reason?: string;
	due?: string;
}

function query(filters: ListFilters & { cursor?: string }) {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
	const text = params.toString();
	return text ? `?${text}` : "";
}

export function ListPage(props: {
	csrf: string;
	list: DisputeList;
	filters: ListFilters;
	reasons: string[];
	live: boolean;
}) {
	const { filters } = props;
	return (
		<Layout
			title="Disputes"
			csrf={props.csrf}
			active="disputes"
			refresh={props.live ? LIVE_REFRESH_SECONDS : undefined}
		>
			<h1>Disputes</h1>
			<form class="filters" method="get" action="/dashboard/disputes" aria-label="Filter disputes">
				<label>
					Stage
					<select name="stage">
						<option value="">any</option>
						{STAGES.map((s) => (
							<option value={s} selected={filters.stage === s}>
								{s.replace(/_/g, " ")}
							</option>
						))}
					</select>
				</label>
				<label>
					Reason
					<select name="reason">
						<option value="">any</option>
						{props.reasons.map((r) => (
							<option value={r} selected={filters.reason === r}>
								{r}
							</option>
						))}
					</select>
				</label>
				<label>
					Deadline
					<select name="due">
						<option value="">any</option>
						<option value="48h" selected={filters.due === "48h"}>
							within 48 hours
						</option>
						<option value="7d" selected={filters.due === "7d"}>
							within 7 days
						</option>
						<option value="overdue" selected={filters.due === "overdue"}>
							overdue
						</option>
					</select>
				</label>
				<button type="submit">Filter</button>
				<a href="/dashboard/disputes">Clear</a>
			</form>
			<DisputeTable rows={props.list.disputes} empty="No dispute matches." />
			{props.list.nextCursor ? (
				<p class="pager">
					<a href={`/dashboard/disputes${query({ ...filters, cursor: props.list.nextCursor })}`}>Next page →</a>
				</p>
			) : null}
		</Layout>
	);
}

function ActionButtons(props: { id: string; actions: [string, DisputeAction][] }) {
	if (props.actions.length === 0) return null;
	return (
		<div class="actions">
			{props.actions.map(([name, action]) => (
				<a class={`button ${action.danger ? "danger" : ""}`} href={`${disputeHref(props.id)}/${name}`}>
					{action.label}…
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
			<ActionButtons id={d.id} actions={props.actions} />
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
						<iframe class="pdf" src={pdfHref} title={`Evidence PDF of ${d.id}`} loading="lazy" />
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

export function ConfirmPage(props: {
	csrf: string;
	title: string;
	description: string;
	action: string;
	back: string;
	needsReason?: boolean;
	danger?: boolean;
}) {
	return (
		<Layout title={props.title} csrf={props.csrf}>
			<h1>{props.title}</h1>
			<p>{props.description}</p>
			<form method="post" action={props.action}>
				<CsrfField csrf={props.csrf} />
				{props.needsReason ? (
					<p>
						<label for="reason">Reason (recorded in the attempts log)</label>
						<br />
						<textarea id="reason" name="reason" rows={3} cols={60} required minlength={3} maxlength={500} />
					</p>
				) : null}
				<p>
					<label>
						<input type="checkbox" name="confirm" value="yes" required /> I confirm
					</label>
				</p>
				<div class="actions">
					<button type="submit" class={props.danger ? "danger" : ""}>
						Confirm
					</button>
					<a class="button secondary" href={props.back}>
						Cancel
					</a>
				</div>
			</form>
		</Layout>
	);
}

export function FailedPage(props: {
	csrf: string;
	list: DisputeList;
	retryAll: [string, GlobalAction];
	flash?: string;
	live: boolean;
}) {
	return (
		<Layout
			title="Dead letters"
			csrf={props.csrf}
			active="failed"
			refresh={props.live ? LIVE_REFRESH_SECONDS : undefined}
		>
			<h1>Dead letters</h1>
			<p class="muted">
				Disputes whose stage kept failing, with the error that stopped them. Retrying re-enqueues the stage that failed.
			</p>
			{props.flash ? (
				<p class="flash" role="status">
					{props.flash}
				</p>
			) : null}
			{props.list.disputes.length ? (
				<div class="actions">
					<a class="button" href={`/dashboard/actions/${props.retryAll[0]}`}>
						{props.retryAll[1].label}…
					</a>
				</div>
			) : null}
			<DisputeTable rows={props.list.disputes} empty="No failed dispute." />
			{props.list.nextCursor ? (
				<p class="pager">
					<a href={`/dashboard/failed?cursor=${encodeURIComponent(props.list.nextCursor)}`}>Next page →</a>
				</p>
			) : null}
		</Layout>
	);
}

export function OutcomesPage(props: { csrf: string; stats: Outcomes; ratio: Ratio }) {
	const { stats, ratio } = props;
	// Charts of money use the currency with the most decided disputes; the tables list every currency.
	const main = [...stats.overall].sort((a, b) => b.won + b.lost - (a.won + a.lost))[0]?.currency ?? "usd";
	const months = stats.perMonth.filter((m) => m.currency === main);
	const byMonth = new Map<string, { won: number; lost: number; recovered: number }>();
	for (const m of stats.perMonth) {
		const entry = byMonth.get(m.month) ?? { won: 0, lost: 0, recovered: 0 };
		entry.won += m.won;
		entry.lost += m.lost;
		byMonth.set(m.month, entry);
	}
	const reasons = new Map<string, { won: number; lost: number }>();
	for (const r of stats.perReason) {
		const entry = reasons.get(r.reason) ?? { won: 0, lost: 0 };
		entry.won += r.won;
		entry.lost += r.lost;
		reasons.set(r.reason, entry);
	}
	const won = stats.overall.reduce((s, r) => s + r.won, 0);
	const lost = stats.overall.reduce((s, r) => s + r.lost, 0);
	const thresholdPct = (r: number) => `${(r * 100).toFixed(1)} %`;
	return (
		<Layout title="Outcomes" csrf={props.csrf} active="outcomes">
			<h1>Outcomes</h1>
			<div class="cards">
				<div class="card">
					<div class="n">{won + lost ? pct(won / (won + lost)) : "—"}</div>
					<div class="l">
						win rate ({won} won of {won + lost} decided)
					</div>
				</div>
				{stats.overall.map((r) => (
					<div class="card">
						<div class="n">{money(r.recovered, r.currency)}</div>
						<div class="l">recovered of {money(r.decided, r.currency)} decided</div>
					</div>
				))}
				<div class="card">
					<div class="n">{ratio.ratio === null ? "—" : `${(ratio.ratio * 100).toFixed(2)} %`}</div>
					<div class="l">dispute ratio, last {ratio.days} days</div>
				</div>
			</div>

			<section aria-labelledby="ratio">
				<h2 id="ratio">Dispute ratio, last {ratio.days} days</h2>
				<p>
					{ratio.disputes} disputes created / {ratio.charges} successful charges recorded
					{ratio.ratio === null ? "" : ` = ${(ratio.ratio * 100).toFixed(2)} %`}.
				</p>
				<RatioGauge ratio={ratio.ratio} markers={ratio.thresholds} />
				<p class="muted">
					Thresholds: {ratio.thresholds.map((t) => `${t.label} at ${thresholdPct(t.ratio)}`).join("; ")}. The networks
					count disputes against the month's sales transactions; this is an early indication from the charges rebuttal
					has seen through <code>charge.succeeded</code> events
					{ratio.charges === 0 ? " (none recorded yet: add charge.succeeded to the webhook endpoint's events)" : ""}.
				</p>
			</section>

			<div class="grid2">
				<section aria-labelledby="rate-month">
					<h2 id="rate-month">Win rate per month</h2>
					<BarChart
						id="rate-month-chart"
						title="Win rate per month"
						max={1}
						bars={[...byMonth].map(([month, m]) => ({
							label: month,
							value: m.won + m.lost ? m.won / (m.won + m.lost) : 0,
							display: m.won + m.lost ? pct(m.won / (m.won + m.lost)) : "—",
						}))}
						empty="No dispute decided yet."
					/>
				</section>
				<section aria-labelledby="recovered-month">
					<h2 id="recovered-month">Recovered per month ({main.toUpperCase()})</h2>
					<BarChart
						id="recovered-month-chart"
						title={`Amount recovered per month in ${main.toUpperCase()}`}
						color="#17803d"
						bars={months.map((m) => ({ label: m.month, value: m.recovered, display: money(m.recovered, main) }))}
						empty="Nothing recovered yet."
					/>
				</section>
			</div>

			<section aria-labelledby="per-reason">
				<h2 id="per-reason">Per reason</h2>
				<BarChart
					id="reason-chart"
					title="Win rate per reason"
					max={1}
					color="#6b4fbb"
					bars={[...reasons].map(([reason, r]) => ({
						label: reason.replace(/_/g, " "),
						value: r.won / Math.max(1, r.won + r.lost),
						display: pct(r.won / Math.max(1, r.won + r.lost)),
					}))}
					empty="No dispute decided yet."
				/>
				{stats.perReason.length ? (
					<table style="margin-top:.75rem">
						<thead>
							<tr>
								<th scope="col">Reason</th>
								<th scope="col" class="num">
									Won
								</th>
								<th scope="col" class="num">
									Lost
								</th>
								<th scope="col" class="num">
									Win rate
								</th>
								<th scope="col" class="num">
									Recovered
								</th>
							</tr>
						</thead>
						<tbody>
							{stats.perReason.map((r) => (
								<tr>
									<td>{r.reason}</td>
									<td class="num">{r.won}</td>
									<td class="num">{r.lost}</td>
									<td class="num">{pct(r.won / Math.max(1, r.won + r.lost))}</td>
									<td class="num">{money(r.recovered, r.currency)}</td>
								</tr>
							))}
						</tbody>
					</table>
				) : null}
			</section>
		</Layout>
	);
}

/** Which facts each letter point and paragraph rests on, and the verifier's findings: for the operator only. */
function TraceDetails({ trace }: { trace: EvidenceTrace }) {
	return (
		<details>
			<summary>Facts behind the letter</summary>
			<ol>
				{trace.letter.points.map((p) => (
					<li>
						{p.text} <span class="muted">{p.factIds.join(", ") || "Visa CE 3.0 result"}</span>
					</li>
				))}
			</ol>
			<p class="muted">
				Paragraphs cite: {trace.paragraphs.map((p, i) => `${i + 1}: ${p.factIds.join(", ")}`).join(" · ") || "nothing"}
			</p>
			{trace.findings.length > 0 ? (
				<p class="notice">Verifier findings on the model's answer: {trace.findings.join("; ")}</p>
			) : null}
		</details>
	);
}
