import { Annotations, TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';

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

/** Options of `ServiceImage.fromBundledService`. */
export interface BundledServiceImageOptions {
  /**
   * Directory holding the service bundle and its Dockerfile, as written by `npm run build:service`. Only the
   * directory's content goes into the synthesized output: a content hash, never this path.
   *
   * @default - the `dist/service` directory of this package
   */
  readonly serviceDirectory?: string;

  /**
   * Name of the image inside the repository: lowercase letters, digits, `.`, `_`, `-` and `/`.
   *
   * @default - `<pipeline name>-api`
   */
  readonly imageName?: string;

  /**
   * An Artifact Registry Docker repository to push to instead of creating one. An `ArtifactRegistryRepository`
   * resource fits as is. Refused together with `repository`.
   *
   * @default - a new repository, see `repository`
   */
  readonly existingRepository?: ArtifactRepositoryReference;

  /**
   * Options of the repository created for the image. Refused together with `existingRepository`.
   *
   * @default - `<pipeline name>-images` in the service's region, keeping the 10 most recent versions
   */
  readonly repository?: ImageRepositoryOptions;

  /**
   * The docker provider that builds and pushes the image; it must be able to push to Artifact Registry
   * (`registry_auth` for `<region>-docker.pkg.dev`).
   *
   * @default - one provider per stack with the alias `artifact-registry`, authenticated with the google provider's access token
   */
  readonly dockerProvider?: TerraformProvider;

  /**
   * Platform the image is built for. Cloud Run runs `linux/amd64`.
   *
   * @default 'linux/amd64'
   */
  readonly platform?: string;
}

/** An Artifact Registry repository the image is pushed to. */
export interface ArtifactRepositoryReference {
  /** Region of the repository, such as `europe-west1`. */
  readonly location: string;
  /** The repository's id (its short name). */
  readonly repositoryId: string;
  /**
   * Project of the repository.
   *
   * @default - the google provider's project
   */
  readonly project?: string;
}

/** Options of the Artifact Registry repository `fromBundledService` creates. */
export interface ImageRepositoryOptions {
  /**
   * The repository's id: lowercase letters, digits and hyphens, starting with a letter, at most 63 characters.
   *
   * @default - `<pipeline name>-images`
   */
  readonly repositoryId?: string;

  /**
   * Versions the cleanup policy always keeps, newest first (rollbacks need the previous ones). Between 1 and 1000.
   *
   * @default 10
   */
  readonly keepVersions?: number;

  /**
   * Days after which an untagged version (one whose tag moved) is deleted. Between 1 and 3650.
   *
   * @default 7
   */
  readonly deleteUntaggedAfterDays?: number;

  /**
   * Days after which any version beyond the `keepVersions` newest is deleted. Between 1 and 3650.
   *
   * @default 30
   */
  readonly deleteAfterDays?: number;
}

/**
 * The container image of the query API: a reference to an image that exists
 * (`ServiceImage.fromRegistry('europe-docker.pkg.dev/p/repo/api@sha256:...')`, what CI passes), or the bundled
 * service built and pushed by Terraform (`ServiceImage.fromBundledService()`, one step from a laptop).
 */
export class ServiceImage {
  /**
   * An image already pushed to a registry. The reference must carry a tag or, better, a digest; `:latest` is
   * accepted with a synth warning because it makes deployments unrepeatable.
   *
   * @param imageUri a full image reference, such as `us-docker.pkg.dev/project/repo/api:1.2.3`
   */
  public static fromRegistry(imageUri: string): ServiceImage {
    if (!Token.isUnresolved(imageUri)) {
      const problem = imageReferenceProblem(imageUri);
      if (problem) throw new Error(`invalid ServiceImage.fromRegistry(${JSON.stringify(imageUri)}): ${problem}`);
    }
    return new ServiceImage(imageUri);
  }

  /**
   * The query API bundled with this package, built from its Dockerfile by Terraform (`@cdktf/provider-docker`, an
   * optional peer dependency), pushed to Artifact Registry and deployed by digest: a changed bundle rolls out a new
   * revision, an unchanged one does not. Applying needs a Docker engine and the Artifact Registry API; synth does not.
   */
  public static fromBundledService(options: BundledServiceImageOptions = {}): ServiceImage {
    // Loaded here, not at the top: the module pulls in the optional docker provider.
    const { BundledServiceImage } = require('./bundled-service-image') as typeof import('./bundled-service-image');
    return new BundledServiceImage(options);
  }

  /** The image reference Cloud Run pulls. */
  public readonly imageUri: string;

  protected constructor(imageUri: string) {
    this.imageUri = imageUri;
  }

  /**
   * Called once by the service that runs the image, with that service as `scope`: a subclass may create the
   * resources that build or push the image there.
   *
   * @param scope the construct running the image
   * @param _options what the service tells the image: its pipeline name, region and labels
   */
  public bind(scope: Construct, _options: ServiceImageBindOptions = {}): ServiceImageConfig {
    if (!Token.isUnresolved(this.imageUri) && isLatest(this.imageUri)) {
      Annotations.of(scope).addWarning(
        `image ${this.imageUri} uses the :latest tag: every apply may deploy a different image. Pin a version tag or a digest.`,
      );
    }
    return { imageUri: this.imageUri };
  }
}

/** Splits a reference into its repository path and the tag of its last path segment. */
function tagOf(reference: string): string | undefined {
  const withoutDigest = reference.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  // A colon before the last slash is a registry port (localhost:5000/api), not a tag.
  return colon >= 0 ? lastSegment.slice(colon + 1) : undefined;
}

function imageReferenceProblem(reference: string): string | undefined {
  if (typeof reference !== 'string' || reference.trim() !== reference || reference.length === 0 || /\s/.test(reference)) {
    return 'expected an image reference without spaces, such as us-docker.pkg.dev/project/repo/api:1.2.3';
  }
  const at = reference.indexOf('@');
  if (at >= 0) {
    return /^sha256:[a-f0-9]{64}$/.test(reference.slice(at + 1)) ? undefined : 'a digest must be sha256: followed by 64 lowercase hex digits';
  }
  const tag = tagOf(reference);
  if (tag === undefined) {
    return 'the reference has neither a tag nor a digest, so each deployment could run a different image; add :<version> or @sha256:<digest>';
  }
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) return `tag ${JSON.stringify(tag)} is not a valid image tag`;
  return undefined;
}

function isLatest(reference: string): boolean {
  return !reference.includes('@') && tagOf(reference) === 'latest';
}
