#!/usr/bin/env node
// Makes a key-signed Sigstore bundle with sigstore-js (@sigstore/sign), an implementation independent of Slipway:
// a DSSE envelope (payload type application/vnd.in-toto+json) over the statement file, signed with an EC P-256 PEM
// private key, logged in a Rekor v1 log when --rekor is given (a dsse 0.0.1 entry, as @sigstore/sign proposes it).
// Usage: node sign-bundle.js --key KEY.pem --statement STATEMENT.json --out BUNDLE.json [--rekor URL]
// Prints one JSON line: {"ok":true,"hint":...} (exit 0) or {"ok":false,"message":...} (exit 1).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const { DSSEBundleBuilder, RekorWitness } = require('@sigstore/sign');
const { bundleToJSON } = require('@sigstore/bundle');

function args(argv) {
  const out = {};
  for (let i = 2; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const r of ['key', 'statement', 'out']) if (!out[r]) throw new Error(`--${r} is required`);
  return out;
}

(async () => {
  try {
    const a = args(process.argv);
    const privateKey = crypto.createPrivateKey(fs.readFileSync(a.key, 'utf8'));
    const publicPem = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
    const der = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const hint = crypto.createHash('sha256').update(der).digest('hex');
    const signer = {
      sign: async (data) => ({
        signature: crypto.sign('sha256', data, privateKey),
        key: { $case: 'publicKey', publicKey: publicPem, hint },
      }),
    };
    const witnesses = a.rekor ? [new RekorWitness({ rekorBaseURL: a.rekor, entryType: 'dsse' })] : [];
    const bundle = await new DSSEBundleBuilder({ signer, witnesses }).create({
      data: fs.readFileSync(a.statement),
      type: 'application/vnd.in-toto+json',
    });
    fs.writeFileSync(a.out, JSON.stringify(bundleToJSON(bundle)));
    console.log(JSON.stringify({ ok: true, hint }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, message: String(e && (e.stack || e.message || e)) }));
    process.exit(1);
  }
})();
