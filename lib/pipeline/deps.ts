import type Stripe from "stripe";
import type { PipelineConfig } from "../config";
import type { Db } from "../db/client";
import type { Notices } from "../dispute/notices";
import type { ArtifactBucket, FetchLike } from "../evidence/artifact-images";
import type { AssembleMessage, QueueSender, SubmitMessage } from "../messages";
import type { PdfFonts } from "../pdf/fonts/fallback";
import type { FontSource } from "../pdf/fonts/registry";
import type { AccountReader } from "../stripe/accounts";

/** The part of an R2 bucket the pipeline uses. */
export interface BlobStore {
	put(
		key: string,
		value: Uint8Array,
		options?: { httpMetadata?: { contentType?: string }; customMetadata?: Record<string, string> },
	): Promise<unknown>;
}

/** Everything a pipeline step needs, built once per batch by the function that runs it. */
export interface PipelineDeps {
	db: Db;
	stripe: Stripe;
	/** The Stripe account a dispute belongs to, read once per isolate and expiry (lib/stripe/accounts.ts). */
	account: AccountReader;
	config: PipelineConfig;
	evidenceBucket: BlobStore;
	assembleQueue: QueueSender<AssembleMessage>;
	submitQueue: QueueSender<SubmitMessage>;
	/** The notification port; absent where notifications are off (then nothing is sent). */
	notices?: Notices;
	fonts: PdfFonts;
	/** The fallback range files (Noto) for characters DejaVu lacks; absent: they print as □. */
	fontSource?: FontSource;
	/** The ARTIFACTS bucket (`r2:KEY` artifacts) and a fetch for `https://` artifacts, for the PDF's thumbnails. */
	artifactsBucket?: ArtifactBucket | null;
	fetchArtifact?: FetchLike | null;
	now(): Date;
}
