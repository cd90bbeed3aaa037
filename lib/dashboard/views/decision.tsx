import type { presentDecision } from "../../decide/decide";
import { money, when } from "./format";

type Decision = NonNullable<ReturnType<typeof presentDecision>>;

const ACTIONS: Record<Decision["action"], string> = {
	answer: "answer",
	accept: "accepted early (closed in Stripe)",
	ask: "a person decides (review mode)",
};

/** The fight-or-accept decision with every number it rested on, as recorded when it was made. */
export function FightDecisionSection(props: { decision: Decision | null }) {
	const d = props.decision;
	return (
		<section aria-labelledby="decision" data-testid="decision">
			<h2 id="decision">Fight or accept</h2>
			{d ? (
				<dl class="kv">
					<dt>Decision</dt>
					<dd>
						{ACTIONS[d.action]}{" "}
						<span class="muted">
							(FIGHT_POLICY={d.policy}, verdict {d.verdict.replace("_", " ")})
						</span>
					</dd>
					<dt>Why</dt>
					<dd>{d.reason}</dd>
					<dt>Countered fee</dt>
					<dd>
						{d.fee === null ? "unknown" : money(d.fee, d.currency)}
						{d.country ? <span class="muted"> (account country {d.country})</span> : null}
					</dd>
					<dt>Record</dt>
					<dd>{d.record ? `${d.record} won (${d.basis})` : "not used"}</dd>
					<dt>Break-even</dt>
					<dd>
						{d.breakEven === null
							? "—"
							: `win ${d.fee ?? 0} / (${d.amount} + ${d.fee ?? 0}) of the time, i.e. ${(d.breakEven * 100).toFixed(1)} %`}
					</dd>
					{d.expectedGain !== null ? (
						<>
							<dt>Fighting is worth</dt>
							<dd>{money(Math.round(d.expectedGain), d.currency)} on average against accepting</dd>
						</>
					) : null}
					<dt>Decided</dt>
					<dd>{when(d.decidedAt)}</dd>
				</dl>
			) : (
				<p class="muted">Not decided yet: rebuttal decides when the evidence is staged.</p>
			)}
		</section>
	);
}
