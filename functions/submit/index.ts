import { submitMessageSchema } from "../../lib/messages";
import { handleSubmitMessage } from "../../lib/pipeline/submit";
import { stageConsumer } from "../wiring";

/** Consumer of the submit queue (and its dead-letter queue): staged evidence in, one submission out. */
export default {
	queue: stageConsumer("submit", submitMessageSchema, handleSubmitMessage, (deps) => deps.submitQueue),
} satisfies ExportedHandler<Env, unknown>;
