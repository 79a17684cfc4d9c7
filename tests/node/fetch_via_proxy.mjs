// fetch() through an HTTP proxy, as a Node product would call the Defender API behind uaudit:
// undici's ProxyAgent sends CONNECT, then TLS to the host inside the tunnel. The CA that signs
// what the proxy presents comes from NODE_EXTRA_CA_CERTS (read by Node at start-up).
//
// Usage: node fetch_via_proxy.mjs PROXY_URL URL [USER_AGENT]
// Prints "<status>\n<body>"; exits 1 (with the error on stderr) when the request fails.
import { fetch, ProxyAgent } from 'undici';

const [proxyUrl, url, userAgent] = process.argv.slice(2);
if (!proxyUrl || !url) {
    console.error('usage: node fetch_via_proxy.mjs PROXY_URL URL [USER_AGENT]');
    process.exit(2);
}

const dispatcher = new ProxyAgent(proxyUrl);
try {
    const headers = userAgent ? { 'User-Agent': userAgent } : {};
    const response = await fetch(url, { dispatcher, headers });
    const body = await response.text();
    process.stdout.write(`${response.status}\n${body}`);
} catch (error) {
    console.error(`fetch failed: ${error.message}${error.cause ? ` (${error.cause.message})` : ''}`);
    process.exitCode = 1;
} finally {
    await dispatcher.close();
}
