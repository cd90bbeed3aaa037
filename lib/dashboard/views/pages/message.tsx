import { Layout } from "../layout";

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

/** The page an error becomes on the dashboard: what the client may know of it, never internals. */
export function ProblemPage(props: { status: number; code: string; message: string; csrf?: string }) {
	const [title, message] =
		props.code === "dashboard_disabled"
			? ["Dashboard disabled", props.message]
			: props.status === 404
				? ["Not found", "There is no such page."]
				: props.status === 503
					? ["Not configured", "The service is not configured."]
					: props.status >= 500
						? ["Error", "Something went wrong."]
						: ["Refused", props.message];
	return MessagePage({ title, message, csrf: props.csrf, back: props.csrf ? "/dashboard" : undefined });
}
