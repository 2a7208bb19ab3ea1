import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { AssetType, Lazy, TerraformAsset, TerraformProvider, TerraformResource, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import type * as dockerImage from '@cdktf/provider-docker/lib/image';
import type * as dockerProvider from '@cdktf/provider-docker/lib/provider';
import type * as dockerRegistryImage from '@cdktf/provider-docker/lib/registry-image';
import type { ServiceImageBindOptions, ServiceImageConfig } from './service-image-config';
import { checkIntegerRange, pipelineLabels } from '../core/validation';

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

/** The parts of `@cdktf/provider-docker` the bundled image uses. */
export interface DockerModules {
  readonly Image: typeof dockerImage.Image;
  readonly RegistryImage: typeof dockerRegistryImage.RegistryImage;
  readonly DockerProvider: typeof dockerProvider.DockerProvider;
}

/** Loads the docker provider's modules (deep imports: the barrel loads every resource). */
const requireDockerModules = (): DockerModules => ({
  Image: (require('@cdktf/provider-docker/lib/image') as typeof dockerImage).Image,
  RegistryImage: (require('@cdktf/provider-docker/lib/registry-image') as typeof dockerRegistryImage).RegistryImage,
  DockerProvider: (require('@cdktf/provider-docker/lib/provider') as typeof dockerProvider).DockerProvider,
});

let dockerModuleLoader: () => DockerModules = requireDockerModules;

/**
 * Replaces how `@cdktf/provider-docker` is loaded; tests simulate a missing peer with it. Returns a function that
 * restores the previous loader.
 *
 * @internal
 */
export function _setDockerModuleLoader(loader: () => DockerModules): () => void {
  const previous = dockerModuleLoader;
  dockerModuleLoader = loader;
  return () => {
    dockerModuleLoader = previous;
  };
}

function loadDockerModules(): DockerModules {
  try {
    return dockerModuleLoader();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'MODULE_NOT_FOUND' || /Cannot find module/.test(String((e as Error)?.message))) {
      throw new Error(
        'ServiceImage.fromBundledService needs the optional peer dependency @cdktf/provider-docker, which is not installed: '
          + 'run `npm install @cdktf/provider-docker@^12.0.3`, or use ServiceImage.fromRegistry with an image you pushed yourself.',
        { cause: e },
      );
    }
    throw e;
  }
}

/** `dist/service` of this package: two levels above `lib/constructs` (published) or `src/constructs` (here). */
export const DEFAULT_SERVICE_DIRECTORY = path.resolve(__dirname, '..', '..', 'dist', 'service');

const REPOSITORY_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const IMAGE_NAME = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const DAY_SECONDS = 86400;

/**
 * A content hash of a build context: every file's path relative to the context (POSIX separators, sorted) and bytes.
 * The same files give the same hash on every machine and checkout; timestamps and absolute paths play no part.
 */
export function contextHash(directory: string): string {
  const hash = crypto.createHash('sha256');
  const files: string[] = [];
  const walk = (relative: string) => {
    const absolute = path.join(directory, relative);
    for (const entry of fs.readdirSync(absolute).sort()) {
      const child = relative ? `${relative}/${entry}` : entry;
      const stat = fs.statSync(path.join(directory, child));
      if (stat.isDirectory()) walk(child);
      else if (stat.isFile()) files.push(child);
    }
  };
  walk('');
  for (const file of files.sort()) {
    hash.update(file).update('\0');
    const bytes = fs.readFileSync(path.join(directory, file));
    hash.update(String(bytes.length)).update('\0').update(bytes);
  }
  return hash.digest('hex');
}

/** Every broken rule of `BundledServiceImageOptions`, including a missing or incomplete bundle. */
export function bundledServiceImageProblems(options: BundledServiceImageOptions, directory: string): string[] {
  const problems: string[] = [];
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    problems.push(`serviceDirectory ${JSON.stringify(directory)} does not exist: run \`npm run build:service\` first (it writes dist/service), or pass serviceDirectory`);
  } else if (!fs.existsSync(path.join(directory, 'Dockerfile'))) {
    problems.push(`serviceDirectory ${JSON.stringify(directory)} holds no Dockerfile: it must be the build context of the service image`);
  }
  if (options.imageName !== undefined && !Token.isUnresolved(options.imageName) && !IMAGE_NAME.test(options.imageName)) {
    problems.push(`imageName must be lowercase letters and digits separated by ., _, - or /, got ${JSON.stringify(options.imageName)}`);
  }
  if (options.existingRepository && options.repository) {
    problems.push('existingRepository and repository must not both be set: push to an existing repository or configure the one created');
  }
  const repository = options.repository ?? {};
  if (repository.repositoryId !== undefined && !Token.isUnresolved(repository.repositoryId) && !REPOSITORY_ID.test(repository.repositoryId)) {
    problems.push(`repository.repositoryId must be 1 to 63 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, got ${JSON.stringify(repository.repositoryId)}`);
  }
  checkIntegerRange(problems, 'repository.keepVersions', repository.keepVersions, 1, 1000);
  checkIntegerRange(problems, 'repository.deleteUntaggedAfterDays', repository.deleteUntaggedAfterDays, 1, 3650);
  checkIntegerRange(problems, 'repository.deleteAfterDays', repository.deleteAfterDays, 1, 3650);
  if (options.platform !== undefined && !Token.isUnresolved(options.platform) && !/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/.test(options.platform)) {
    problems.push(`platform must be os/architecture such as linux/amd64, got ${JSON.stringify(options.platform)}`);
  }
  return problems;
}

/** The stack-wide docker provider that pushes to Artifact Registry, with one `registry_auth` per registry host. */
interface RegistryDocker {
  readonly provider: TerraformProvider;
  readonly addresses: string[];
  readonly setAuth: (addresses: string[]) => void;
}

const registryDockers = new WeakMap<TerraformStack, RegistryDocker>();

function registryDockerOf(stack: TerraformStack, docker: DockerModules, address: string): TerraformProvider {
  let entry = registryDockers.get(stack);
  if (!entry) {
    const scope = new Construct(stack, 'ArtifactRegistryDocker');
    // The provider's short-lived OAuth token: no key file, and it works with ADC and Workload Identity Federation alike.
    const client = new DataGoogleClientConfig(scope, 'ClientConfig');
    const provider = new docker.DockerProvider(scope, 'Provider', { alias: 'artifact-registry' });
    const addresses: string[] = [];
    entry = {
      provider,
      addresses,
      setAuth: (all) => {
        provider.registryAuth = all.map((a) => ({ address: a, username: 'oauth2accesstoken', password: client.accessToken }));
      },
    };
    registryDockers.set(stack, entry);
  }
  if (!entry.addresses.includes(address)) {
    entry.addresses.push(address);
    entry.setAuth(entry.addresses);
  }
  return entry.provider;
}

/**
 * The bundled query API built by Terraform: `docker_image` builds the service directory (copied into the stack's
 * output as an asset named by its content hash), `docker_registry_image` pushes it to Artifact Registry, and Cloud Run
 * runs `<repository>/<image>@<digest>`. `ServiceImage.fromBundledService` wraps it.
 */
export class BundledServiceImage {
  /** The reference Cloud Run pulls, known once bound. */
  public readonly imageUri: string;
  /** The directory built, absolute (never written to the synthesized output). */
  public readonly serviceDirectory: string;
  /** SHA-256 of the build context's files: the image tag's suffix and the rebuild trigger. */
  public readonly contextSha256: string;
  /** The repository created for the image, once bound (undefined with `existingRepository`). */
  public repository?: ArtifactRegistryRepository;
  /** The `docker_image` resource that builds the image, once bound. */
  public buildResource?: TerraformResource;
  /** The `docker_registry_image` resource that pushes it, once bound. */
  public pushResource?: TerraformResource;

  private readonly options: BundledServiceImageOptions;
  private readonly docker: DockerModules;
  private bound?: { stack: TerraformStack; config: ServiceImageConfig };

  public constructor(options: BundledServiceImageOptions) {
    this.imageUri = Lazy.stringValue({
      produce: () => {
        if (!this.bound) throw new Error('ServiceImage.fromBundledService: the image was never bound to a service (pass it to QueryApi or AnalyticsPipeline)');
        return this.bound.config.imageUri;
      },
    });
    this.docker = loadDockerModules();
    const directory = path.resolve(options.serviceDirectory ?? DEFAULT_SERVICE_DIRECTORY);
    const problems = bundledServiceImageProblems(options, directory);
    if (problems.length > 0) {
      throw new Error(`invalid ServiceImage.fromBundledService options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    this.options = options;
    this.serviceDirectory = directory;
    this.contextSha256 = contextHash(directory);
  }

  public bind(scope: Construct, bindOptions: ServiceImageBindOptions = {}): ServiceImageConfig {
    const stack = TerraformStack.of(scope);
    if (this.bound) {
      if (this.bound.stack !== stack) {
        throw new Error(`ServiceImage.fromBundledService: one image can serve services of one stack only; ${scope.node.path} is in another stack. Create one image per stack.`);
      }
      return this.bound.config;
    }
    const options = this.options;
    const prefix = bindOptions.name ?? 'query-api';
    const images = new Construct(scope, 'Image');

    let region = options.existingRepository?.location ?? bindOptions.region;
    let clientConfig: DataGoogleClientConfig | undefined;
    const client = () => (clientConfig ??= new DataGoogleClientConfig(images, 'ClientConfig'));
    if (region === undefined) region = client().region;

    let repository: ArtifactRepositoryReference;
    if (options.existingRepository) {
      repository = options.existingRepository;
    } else {
      const settings = options.repository ?? {};
      this.repository = new ArtifactRegistryRepository(images, 'Repository', {
        repositoryId: settings.repositoryId ?? `${prefix}-images`,
        location: region,
        format: 'DOCKER',
        description: `Images of the ${prefix} query API, built and pushed by Terraform.`,
        labels: bindOptions.name ? pipelineLabels(bindOptions.name, bindOptions.labels) : { ...(bindOptions.labels ?? {}) },
        cleanupPolicyDryRun: false,
        // KEEP wins over DELETE: the newest versions survive both deletions, so rollbacks stay possible.
        cleanupPolicies: [
          { id: 'keep-recent', action: 'KEEP', mostRecentVersions: { keepCount: settings.keepVersions ?? 10 } },
          { id: 'delete-untagged', action: 'DELETE', condition: { tagState: 'UNTAGGED', olderThan: `${(settings.deleteUntaggedAfterDays ?? 7) * DAY_SECONDS}s` } },
          { id: 'delete-old', action: 'DELETE', condition: { tagState: 'ANY', olderThan: `${(settings.deleteAfterDays ?? 30) * DAY_SECONDS}s` } },
        ],
      });
      repository = { location: this.repository.location, repositoryId: this.repository.repositoryId, project: this.repository.project };
    }

    // The region as given (not the created repository's attribute), so the registry_auth address stays a literal.
    const host = `${region}-docker.pkg.dev`;
    const project = repository.project ?? client().project;
    const imagePath = `${host}/${project}/${repository.repositoryId}/${options.imageName ?? `${prefix}-api`}`;
    const provider = options.dockerProvider ?? registryDockerOf(stack, this.docker, host);

    // The build context is copied into the stack's output under its hash; the JSON holds only that relative path.
    const context = new TerraformAsset(images, 'BuildContext', {
      path: this.serviceDirectory,
      type: AssetType.DIRECTORY,
      assetHash: this.contextSha256,
    });
    const triggers = { context_sha256: this.contextSha256 };
    const build = new this.docker.Image(images, 'Build', {
      provider,
      name: `${imagePath}:ctx-${this.contextSha256.slice(0, 20)}`,
      buildAttribute: { context: context.path, platform: options.platform ?? 'linux/amd64' },
      triggers,
    });
    const push = new this.docker.RegistryImage(images, 'Push', {
      provider,
      name: build.name,
      // The running revision keeps its image after a new push; the repository's cleanup policy removes old ones.
      keepRemotely: true,
      triggers,
    });
    this.buildResource = build;
    this.pushResource = push;

    const config: ServiceImageConfig = {
      imageUri: `${imagePath}@${push.sha256Digest}`,
      requiredApis: ['artifactregistry.googleapis.com'],
    };
    this.bound = { stack, config };
    return config;
  }
}
