import { Layout } from "../layout";

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
