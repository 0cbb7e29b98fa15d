#!/usr/bin/env node
// Attaches a Sigstore bundle to an image as an OCI referrer with @sigstore/oci, the library GitHub's attest action
// uses for push-to-registry: it keeps the referrers tag (sha256-<hex>) when the registry has no referrers API.
// Usage: node attach.js --image HOST:PORT/REPO --digest sha256:... --bundle BUNDLE.json [--predicate-type TYPE]
// Prints one JSON line: {"ok":true,"digest":<referrer manifest digest>} (exit 0) or {"ok":false,"message":...}.
'use strict';
const fs = require('fs');
const { attachArtifactToImage } = require('@sigstore/oci');

function args(argv) {
  const out = {};
  for (let i = 2; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const r of ['image', 'digest', 'bundle']) if (!out[r]) throw new Error(`--${r} is required`);
  return out;
}

(async () => {
  try {
    const a = args(process.argv);
    const bundle = JSON.parse(fs.readFileSync(a.bundle, 'utf8'));
    const annotations = { 'dev.sigstore.bundle.content': bundle.dsseEnvelope ? 'dsse-envelope' : 'message-signature' };
    if (a['predicate-type']) annotations['dev.sigstore.bundle.predicateType'] = a['predicate-type'];
    const descriptor = await attachArtifactToImage({
      imageName: a.image,
      imageDigest: a.digest,
      artifact: Buffer.from(JSON.stringify(bundle)),
      mediaType: bundle.mediaType,
      annotations,
      credentials: undefined,
    });
    console.log(JSON.stringify({ ok: true, digest: descriptor.digest }));
  } catch (e) {
    const cause = e && e.cause ? ` (${e.cause.message || e.cause})` : '';
    console.log(JSON.stringify({ ok: false, message: String(e && e.message) + cause }));
    process.exit(1);
  }
})();
