// `npm run doctor`: checks a rebuttal deployment's configuration, database and Stripe account (see INSTALL.md).
import { main } from "./cli";

process.exitCode = await main(process.argv.slice(2), process.env, (text) => process.stdout.write(text));
