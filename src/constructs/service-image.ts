import { Annotations, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { BundledServiceImage, BundledServiceImageOptions } from './bundled-service-image';
import type { ServiceImageBindOptions, ServiceImageConfig } from './service-image-config';

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
    // Loaded here, not at the top: only a bundled image needs the Artifact Registry and docker provider modules.
    const { BundledServiceImage } = require('./bundled-service-image') as typeof import('./bundled-service-image');
    return new BuiltServiceImage(new BundledServiceImage(options));
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

/** The bundled service as a `ServiceImage`: its reference and resources come from the build. */
class BuiltServiceImage extends ServiceImage {
  public constructor(private readonly build: BundledServiceImage) {
    super(build.imageUri);
  }

  public bind(scope: Construct, options: ServiceImageBindOptions = {}): ServiceImageConfig {
    return this.build.bind(scope, options);
  }
}
