// A stand-in for a Gluu node's Apache on :443: answers every request with its own name.
// Usage: node https-backend.js NAME CERT KEY [PORT]
const https = require('node:https');
const fs = require('node:fs');
const [name, cert, key, port = '443'] = process.argv.slice(2);
https
  .createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (req, res) => {
    res.setHeader('X-Backend', name);
    res.end(`${name} ${req.method} ${req.url} host=${req.headers.host} xff=${req.headers['x-forwarded-for'] ?? ''}\n`);
  })
  .listen(Number(port), '0.0.0.0', () => console.log(`backend ${name} listening on ${port}`));
