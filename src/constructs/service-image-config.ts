/** What a `ServiceImage` gives the service that runs it. */
export interface ServiceImageConfig {
  /** The image reference Cloud Run pulls, pinned by tag or digest. */
  readonly imageUri: string;

  /**
   * Google APIs the resources the image created need (`artifactregistry.googleapis.com` when it is built and pushed
   * by Terraform), so a pipeline that enables APIs enables these too.
   *
   * @default - none
   */
  readonly requiredApis?: string[];
}

/** What the service that runs an image tells the image when binding it. */
export interface ServiceImageBindOptions {
  /**
   * Pipeline name the image's resources derive their names from (repository `<name>-images`, image `<name>-api`).
   *
   * @default - names without a pipeline prefix (`query-api-images`, `query-api`)
   */
  readonly name?: string;

  /**
   * Region of the service, where a repository created for the image lives.
   *
   * @default - the google provider's region
   */
  readonly region?: string;

  /**
   * Labels for the resources the image creates.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}
