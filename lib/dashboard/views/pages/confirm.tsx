import { CsrfField, Layout } from "../layout";

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
