#!/usr/bin/env node
// Verifies a Sigstore bundle with sigstore-js (@sigstore/verify), an implementation independent of sigstore-java.
// Usage: node verify.js --trusted-root FILE --bundle FILE [--artifact FILE (message signatures; DSSE bundles carry it)]
//          [--identity SAN | --identity-regex REGEX] [--issuer ISSUER]
//          [--public-key PEM_FILE (key-signed bundles: the signer's key, whatever the bundle's hint)]
//          [--tlog-threshold N] [--timestamp-threshold N] (default 1 each; 0 for key bundles logged nowhere)
// Prints one JSON line: {"ok":true,"san":...,"issuer":...} (exit 0) or {"ok":false,"code":...,"message":...} (exit 1).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

function args(argv) {
  const out = {};
  for (let i = 2; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
      throw new Error(`bad argument ${argv[i]}`);
    }
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const required of ['trusted-root', 'bundle']) {
    if (!out[required]) throw new Error(`--${required} is required`);
  }
  return out;
}

function escapeRegex(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

try {
  const a = args(process.argv);
  const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(a['trusted-root'], 'utf8')));
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(a['bundle'], 'utf8')));
  const artifact = a['artifact'] ? fs.readFileSync(a['artifact']) : undefined;
  const keyFinder = a['public-key'] ? () => ({
    publicKey: crypto.createPublicKey(fs.readFileSync(a['public-key'], 'utf8')),
    validFor: () => true,
  }) : undefined;
  const threshold = (name) => (a[name] === undefined ? 1 : Number(a[name]));
  const verifier = new Verifier(toTrustMaterial(root, keyFinder), {
    tlogThreshold: threshold('tlog-threshold'),
    ctlogThreshold: 1,
    timestampThreshold: threshold('timestamp-threshold'),
  });
  const policy = {};
  if (a['identity']) policy.subjectAlternativeName = '^' + escapeRegex(a['identity']) + '$';
  if (a['identity-regex']) policy.subjectAlternativeName = a['identity-regex'];
  if (a['issuer']) policy.extensions = { issuer: a['issuer'] };
  const signer = verifier.verify(toSignedEntity(bundle, artifact), policy);
  const out = { ok: true, san: signer.identity?.subjectAlternativeName, issuer: signer.identity?.extensions?.issuer };
  if (bundle.content.$case === 'dsseEnvelope') {
    out.payload = Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8');
  }
  console.log(JSON.stringify(out));
} catch (e) {
  console.log(JSON.stringify({ ok: false, code: e.code || e.name, message: e.message }));
  process.exit(1);
}
