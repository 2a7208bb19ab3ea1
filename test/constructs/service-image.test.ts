import { Testing, TerraformStack } from 'cdktf';
import { ServiceImage } from '../../src';

const DIGEST = 'sha256:' + 'a'.repeat(64);

function warningsOf(image: ServiceImage): string[] {
  const stack = new TerraformStack(Testing.app(), 'test');
  image.bind(stack);
  return stack.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
}

describe('ServiceImage', () => {
  it.each([
    'europe-docker.pkg.dev/acme/apis/orders-api:1.4.2',
    `europe-docker.pkg.dev/acme/apis/orders-api@${DIGEST}`,
    `europe-docker.pkg.dev/acme/apis/orders-api:1.4.2@${DIGEST}`,
    'localhost:5000/orders-api:dev',
    'nginx:1.27-alpine',
  ])('accepts the pinned reference %s without warning', (uri) => {
    const image = ServiceImage.fromRegistry(uri);
    expect(image.imageUri).toBe(uri);
    expect(warningsOf(image)).toEqual([]);
    expect(image.bind(new TerraformStack(Testing.app(), 'x'))).toEqual({ imageUri: uri });
  });

  it('warns at synth on :latest', () => {
    const warnings = warningsOf(ServiceImage.fromRegistry('europe-docker.pkg.dev/acme/apis/orders-api:latest'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/orders-api:latest uses the :latest tag.*Pin a version tag or a digest/);
  });

  it('fails when the reference has neither tag nor digest', () => {
    expect(() => ServiceImage.fromRegistry('europe-docker.pkg.dev/acme/apis/orders-api'))
      .toThrow(/invalid ServiceImage.fromRegistry\("europe-docker.pkg.dev\/acme\/apis\/orders-api"\): the reference has neither a tag nor a digest/);
  });

  it('fails when a registry port is mistaken for a tag', () => {
    expect(() => ServiceImage.fromRegistry('localhost:5000/orders-api')).toThrow(/neither a tag nor a digest/);
  });

  it('fails when the digest is malformed', () => {
    expect(() => ServiceImage.fromRegistry('europe-docker.pkg.dev/acme/apis/orders-api@sha256:abc'))
      .toThrow(/a digest must be sha256: followed by 64 lowercase hex digits/);
  });

  it('fails when the tag is malformed', () => {
    expect(() => ServiceImage.fromRegistry('europe-docker.pkg.dev/acme/apis/orders-api:-bad')).toThrow(/tag "-bad" is not a valid image tag/);
  });

  it('fails when the reference holds spaces or is empty', () => {
    expect(() => ServiceImage.fromRegistry('orders api:1')).toThrow(/expected an image reference without spaces/);
    expect(() => ServiceImage.fromRegistry('')).toThrow(/expected an image reference without spaces/);
  });
  it('ignores the bind options of the service: a registry image creates nothing', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const uri = 'europe-docker.pkg.dev/acme/apis/orders-api:1.4.2';
    expect(ServiceImage.fromRegistry(uri).bind(stack, { name: 'orders', region: 'europe-west1', labels: { team: 'data' } })).toEqual({ imageUri: uri });
    expect(stack.node.children).toHaveLength(0);
  });
});
