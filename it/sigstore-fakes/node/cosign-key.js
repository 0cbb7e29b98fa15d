#!/usr/bin/env node
// Writes a key pair in cosign's own format, built with Node's crypto (EC P-256, PKCS#8, scrypt) and tweetnacl's
// secretbox (XSalsa20-Poly1305), an implementation independent of Slipway's reader:
//   cosign.key: PEM "ENCRYPTED SIGSTORE PRIVATE KEY" (or --pem-type) around base64 of go-securesystemslib's
//     {"kdf":{"name":"scrypt","params":{"N":..,"r":8,"p":1},"salt":B64},"cipher":{"name":"nacl/secretbox",
//      "nonce":B64},"ciphertext":B64}, key = scrypt(password, salt, N, 8, 1, 32), ciphertext = secretbox(PKCS#8 DER)
//   cosign.pub: PEM "PUBLIC KEY" (SubjectPublicKeyInfo), as cosign writes it.
// Usage: node cosign-key.js --out DIR --password-env VAR [--n 32768|65536|131072] [--pem-type TYPE]
// The password is read from the environment variable VAR, never from the command line.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const nacl = require('tweetnacl');

function args(argv) {
  const out = {};
  for (let i = 2; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const r of ['out', 'password-env']) if (!out[r]) throw new Error(`--${r} is required`);
  return out;
}

function pem(type, der) {
  const b64 = Buffer.from(der).toString('base64').match(/.{1,64}/g).join('\n');
  return `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`;
}

const a = args(process.argv);
const password = process.env[a['password-env']] ?? '';
const N = Number(a.n || 65536);
const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
const salt = crypto.randomBytes(32);
const nonce = crypto.randomBytes(24);
const key = crypto.scryptSync(Buffer.from(password, 'utf8'), salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 + 1024 });
const box = nacl.secretbox(new Uint8Array(pkcs8), new Uint8Array(nonce), new Uint8Array(key));
const doc = {
  kdf: { name: 'scrypt', params: { N, r: 8, p: 1 }, salt: salt.toString('base64') },
  cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
  ciphertext: Buffer.from(box).toString('base64'),
};
fs.mkdirSync(a.out, { recursive: true });
fs.writeFileSync(path.join(a.out, 'cosign.key'),
  pem(a['pem-type'] || 'ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from(JSON.stringify(doc))), { mode: 0o600 });
fs.writeFileSync(path.join(a.out, 'cosign.pub'), pem('PUBLIC KEY', publicKey.export({ type: 'spki', format: 'der' })));
console.log(JSON.stringify({ ok: true }));
