import type { couldHaveHelped, whatWins } from "../../outcomes/learn";
import { BarChart } from "./charts";

type Wins = Awaited<ReturnType<typeof whatWins>>;
type Row = Wins["byReason"][number];

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

/** What wins, as counts: per reason, network, issuer country and amount band, and the evidence fields present. */
export function WhatWinsSection(props: { wins: Wins }) {
	const w = props.wins;
	return (
		<section aria-labelledby="what-wins" data-testid="what-wins">
			<h2 id="what-wins">What wins (fought disputes, won/decided)</h2>
			<BarChart
				id="wins-reason-chart"
				title="Fought disputes won per reason (bar: decided; label: won/decided)"
				bars={w.byReason.map((r) => ({ label: r.key, value: r.decided, display: `${r.record} won` }))}
				empty="No fought dispute decided yet."
			/>
			<div class="grid2">
				<CountsTable title="Per reason" rows={w.byReason} />
				<CountsTable title="Per network" rows={w.byNetwork} />
				<CountsTable title="Per issuer country" rows={w.byIssuerCountry} />
				<CountsTable title="Per amount band" rows={w.byAmountBand} />
			</div>
			<h3>Evidence fields present</h3>
			{w.evidenceFields.length === 0 ? (
				<p class="muted">No evidence recorded for a decided dispute yet.</p>
			) : (
				<table>
					<thead>
						<tr>
							<th>Reason</th>
							<th>Field</th>
							<th>In won cases</th>
							<th>In lost cases</th>
						</tr>
					</thead>
					<tbody>
						{w.evidenceFields.map((f) => (
							<tr>
								<td>{f.reason}</td>
								<td>
									<code>{f.field}</code>
								</td>
								<td>{f.inWon}</td>
								<td>{f.inLost}</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
		</section>
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
