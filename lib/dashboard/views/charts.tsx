/** Server-rendered SVG charts: plain shapes and text, readable without script, each with a title for screen readers. */

export interface Bar {
	label: string;
	value: number;
	/** What the bar says (e.g. "67 %" or "$1,240.00"). */
	display: string;
}

export function BarChart(props: {
	id: string;
	title: string;
	bars: Bar[];
	max?: number;
	color?: string;
	empty?: string;
}) {
	const { bars } = props;
	if (bars.length === 0) return <p class="muted">{props.empty ?? "No data yet."}</p>;
	const width = 560;
	const height = 220;
	const top = 24;
	const bottom = 34;
	const left = 8;
	const slot = (width - left * 2) / bars.length;
	const barWidth = Math.min(56, slot * 0.7);
	const max = props.max ?? Math.max(1, ...bars.map((b) => b.value));
	const plot = height - top - bottom;
	return (
		<svg
			viewBox={`0 0 ${width} ${height}`}
			width="100%"
			role="img"
			aria-labelledby={`${props.id}-title`}
			style="max-width:640px;background:#fff;border:1px solid #d9dde5;border-radius:8px"
		>
			<title id={`${props.id}-title`}>
				{`${props.title}: ${bars.map((b) => `${b.label} ${b.display}`).join(", ")}`}
			</title>
			<line x1={left} x2={width - left} y1={height - bottom} y2={height - bottom} stroke="#b9c0cc" />
			{bars.map((bar, i) => {
				const h = max > 0 ? Math.max(bar.value > 0 ? 2 : 0, (bar.value / max) * plot) : 0;
				const x = left + i * slot + (slot - barWidth) / 2;
				const y = height - bottom - h;
				return (
					<g>
						<rect
							x={x.toFixed(1)}
							y={y.toFixed(1)}
							width={barWidth.toFixed(1)}
							height={h.toFixed(1)}
							rx="3"
							fill={props.color ?? "#2453c6"}
						/>
						<text x={(x + barWidth / 2).toFixed(1)} y={(y - 6).toFixed(1)} text-anchor="middle">
							{bar.display}
						</text>
						<text x={(x + barWidth / 2).toFixed(1)} y={height - bottom + 18} text-anchor="middle" fill="#5b6473">
							{bar.label}
						</text>
					</g>
				);
			})}
		</svg>
	);
}

export interface Marker {
	label: string;
	ratio: number;
}

/** A horizontal gauge of the dispute ratio with the networks' thresholds drawn as marks. */
export function RatioGauge(props: { ratio: number | null; markers: readonly Marker[] }) {
	const width = 640;
	const height = 120;
	const left = 16;
	const right = 16;
	// A fixed 0–3 % scale keeps the thresholds apart; a ratio beyond it fills the bar and says so.
	const scaleMax = 0.03;
	const x = (r: number) => left + (Math.min(r, scaleMax) / scaleMax) * (width - left - right);
	const pct = (r: number) => `${(r * 100).toFixed(2)} %`;
	const worst = props.markers.filter((m) => props.ratio !== null && props.ratio >= m.ratio).at(-1);
	const color = props.ratio === null ? "#b9c0cc" : worst ? "#b42318" : "#17803d";
	return (
		<svg
			viewBox={`0 0 ${width} ${height}`}
			width="100%"
			role="img"
			aria-labelledby="ratio-title"
			style="max-width:720px;background:#fff;border:1px solid #d9dde5;border-radius:8px"
		>
			<title id="ratio-title">
				{`Dispute ratio ${props.ratio === null ? "unknown" : pct(props.ratio)}; thresholds: ${props.markers.map((m) => `${m.label} ${pct(m.ratio)}`).join(", ")}`}
			</title>
			<rect x={left} y="50" width={width - left - right} height="16" rx="8" fill="#eceff3" />
			{props.ratio !== null ? (
				<rect x={left} y="50" width={Math.max(4, x(props.ratio) - left).toFixed(1)} height="16" rx="8" fill={color} />
			) : null}
			{props.markers.map((m, i) => {
				const anchor = i === 0 ? "end" : i === props.markers.length - 1 ? "start" : "middle";
				const y = i === 0 || i === props.markers.length - 1 ? 34 : 94;
				return (
					<g>
						<line
							x1={x(m.ratio).toFixed(1)}
							x2={x(m.ratio).toFixed(1)}
							y1="40"
							y2="76"
							stroke="#1d2433"
							stroke-dasharray="3 2"
						/>
						<text x={x(m.ratio).toFixed(1)} y={y} text-anchor={anchor}>
							{`${m.label} ${pct(m.ratio)}`}
						</text>
					</g>
				);
			})}
			<text x={left} y="112" fill="#5b6473">
				0 %
			</text>
			<text x={width - right} y="112" text-anchor="end" fill="#5b6473">
				{props.ratio !== null && props.ratio > scaleMax ? `${pct(props.ratio)} (off the scale)` : pct(scaleMax)}
			</text>
		</svg>
	);
}
