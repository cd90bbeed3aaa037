import type { couldHaveHelped, whatWins } from "../../outcomes/learn";
import { BarChart } from "./charts";

type Wins = Awaited<ReturnType<typeof whatWins>>;
type Row = Wins["byReason"][number];

/** A bar per group: its height the decided disputes, its label won/decided (counts, never a percentage). */
function WinsChart(props: { id: string; per: string; rows: Row[] }) {
	return (
		<BarChart
			id={props.id}
			title={`Fought disputes won per ${props.per} (bar: decided; label: won/decided)`}
			bars={props.rows.map((r) => ({ label: r.key, value: r.decided, display: `${r.record} won` }))}
			empty="No fought dispute decided yet."
		/>
	);
}

function CountsTable(props: { title: string; rows: Row[] }) {
	return (
		<div>
			<h3>{props.title}</h3>
			{props.rows.length === 0 ? (
				<p class="muted">No fought dispute decided yet.</p>
			) : (
				<table>
					<tbody>
						{props.rows.map((r) => (
							<tr>
								<td>{r.key}</td>
								<td>{r.record} won</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</div>
	);
}

/** What wins, as counts: per reason, network, issuer country and amount band, and the evidence fields and facts present. */
export function WhatWinsSection(props: { wins: Wins }) {
	const w = props.wins;
	return (
		<section aria-labelledby="what-wins" data-testid="what-wins">
			<h2 id="what-wins">What wins (fought disputes, won/decided)</h2>
			<WinsChart id="wins-reason-chart" per="reason" rows={w.byReason} />
			<div class="grid2">
				<div data-testid="wins-network">
					<h3>Won per network</h3>
					<WinsChart id="wins-network-chart" per="network" rows={w.byNetwork} />
				</div>
				<div data-testid="wins-amount-band">
					<h3>Won per amount band</h3>
					<WinsChart id="wins-amount-band-chart" per="amount band" rows={w.byAmountBand} />
				</div>
			</div>
			<div class="grid2">
				<CountsTable title="Per reason" rows={w.byReason} />
				<CountsTable title="Per network" rows={w.byNetwork} />
				<CountsTable title="Per issuer country" rows={w.byIssuerCountry} />
				<CountsTable title="Per amount band" rows={w.byAmountBand} />
			</div>
			<h3>Evidence fields present</h3>
			<PresenceTable
				label="Field"
				rows={w.evidenceFields.map((f) => ({ reason: f.reason, name: f.field, inWon: f.inWon, inLost: f.inLost }))}
				empty="No evidence recorded for a decided dispute yet."
			/>
			<FactsTable facts={w.facts} />
		</section>
	);
}

/** Which facts (by family) rebuttal's evidence held in won and in lost cases, out of the cases it answered. */
function FactsTable(props: { facts: Wins["facts"] }) {
	return (
		<div data-testid="facts-by-outcome">
			<h3>Facts present</h3>
			<p class="muted">
				Disputes whose evidence rebuttal assembled, per reason: in how many won and how many lost cases a fact of the
				family was there.
			</p>
			<PresenceTable
				label="Fact"
				rows={props.facts.map((f) => ({ reason: f.reason, name: f.family, inWon: f.inWon, inLost: f.inLost }))}
				empty="No fact recorded for a decided dispute yet."
			/>
		</div>
	);
}

/** On a lost dispute's page: what could have helped. */
export function CouldHaveHelped(props: { helped: Awaited<ReturnType<typeof couldHaveHelped>> }) {
	const h = props.helped;
	if (!h) return null;
	return (
		<section aria-labelledby="helped" data-testid="could-have-helped">
			<h2 id="helped">What could have helped</h2>
			{!h.fought ? <p>No evidence was submitted for this dispute.</p> : null}
			<ul>
				{h.missingKeyFacts.map((f) => (
					<li>Missing key fact: {f}</li>
				))}
				{h.fieldsInWonCases.map((f) => (
					<li>
						<code>{f.field}</code>, present in {f.presentIn} disputes of this reason
					</li>
				))}
				{h.lossReason ? <li>Klarna's loss reason: {h.lossReason}</li> : null}
			</ul>
			{h.missingKeyFacts.length + h.fieldsInWonCases.length === 0 && !h.lossReason ? (
				<p class="muted">Nothing the won cases of this reason had that this one lacked.</p>
			) : null}
		</section>
	);
}

/** Per reason, in how many won and lost cases something (an evidence field, a fact family) was present. */
function PresenceTable(props: {
	label: string;
	rows: readonly { reason: string; name: string; inWon: string; inLost: string }[];
	empty: string;
}) {
	if (props.rows.length === 0) return <p class="muted">{props.empty}</p>;
	return (
		<table>
			<thead>
				<tr>
					<th>Reason</th>
					<th>{props.label}</th>
					<th>In won cases</th>
					<th>In lost cases</th>
				</tr>
			</thead>
			<tbody>
				{props.rows.map((r) => (
					<tr>
						<td>{r.reason}</td>
						<td>
							<code>{r.name}</code>
						</td>
						<td>{r.inWon}</td>
						<td>{r.inLost}</td>
					</tr>
				))}
			</tbody>
		</table>
	);
}
