/**
 * Emulator benchmark: generate a 100,000-device tenant, then list every device through Defender-style
 * paging ($top/$skip pages of 10,000, as a careful client does) over real HTTP with a real token.
 * Prints one JSON object.
 */
import { startEmulator } from '@mde-bridge/emulator';

const devices = Number(process.env.BENCH_DEVICES ?? 100_000);

const t0 = performance.now();
const emu = await startEmulator({ devices, seed: 'bench', rateLimits: 'off', log: () => {} });
const generationMs = performance.now() - t0;
const rssAfterGenerationMb = process.memoryUsage().rss / 1e6;

const tokenRes = await fetch(`${emu.loginUrl}/${emu.tenantId}/oauth2/v2.0/token`, {
  method: 'POST',
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: emu.demoApp.clientId,
    client_secret: emu.demoApp.clientSecret,
    scope: 'https://api.securitycenter.microsoft.com/.default',
  }),
});
const { access_token: token } = (await tokenRes.json()) as { access_token: string };

const t1 = performance.now();
let listed = 0;
let calls = 0;
for (let skip = 0; ; skip += 10_000) {
  const res = await fetch(`${emu.apiUrl}/api/machines?$top=10000&$skip=${skip}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  calls++;
  if (!res.ok) throw new Error(`listing failed: ${res.status} ${await res.text()}`);
  const page = (await res.json()) as { value: unknown[] };
  listed += page.value.length;
  if (page.value.length < 10_000) break;
}
const listAllMs = performance.now() - t1;
await emu.close();

console.log(
  JSON.stringify({
    bench: 'emulator',
    devicesGenerated: devices,
    generationMs: Math.round(generationMs),
    devicesListed: listed,
    listCalls: calls,
    listAllMs: Math.round(listAllMs),
    rssAfterGenerationMb: Math.round(rssAfterGenerationMb),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
