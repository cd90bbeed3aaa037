import type { EvidenceTrace } from "../../narrative/trace";

/** Which facts each letter point and paragraph rests on, and the verifier's findings: for the operator only. */
export function TraceDetails({ trace }: { trace: EvidenceTrace }) {
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
