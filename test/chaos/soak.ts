// `npm run soak -- [seconds]`: the chaos scenario for as long as you like (default 300 s). Exits 1 on any finding.
import { runChaos } from './run-chaos.js';

const seconds = Number(process.argv[2] ?? 300);
if (!(seconds > 0)) {
  console.error('usage: npm run soak -- <seconds>');
  process.exit(2);
}
console.log(
  `soak: ${seconds} s of random drops (0.2–2 s apart), 13009 bursts, 3 s tokens, 6 call loops, 4 subscriptions, ` +
    'sessions logged out at random moments, glitches on COD and restores, and concurrent 13009 bursts',
);
const report = await runChaos(seconds * 1000, (line) => console.log(line));
console.log(JSON.stringify(report, null, 2));
const findings = [
  ...report.hung,
  ...report.hungLogouts,
  ...report.unexpectedErrors,
  ...report.unhandledRejections,
  ...report.unauthenticatedPrivateCalls,
  ...report.missingSubscriptions,
  ...report.extraReauths,
];
if (report.timersAfter > report.timersBefore)
  findings.push(`timers leaked: ${report.timersBefore} → ${report.timersAfter}`);
if (report.socketsAfter > report.socketsBefore)
  findings.push(`sockets leaked: ${report.socketsBefore} → ${report.socketsAfter}`);
if (findings.length > 0) {
  console.error(`soak: ${findings.length} finding(s)`);
  process.exit(1);
}
console.log(
  `soak: clean — ${report.calls.ok} calls ok, ${report.drops} drops, ${report.reconnects} authentications, ` +
    `${report.refreshes} refreshes, ${report.unauthorizedBursts} 13009 bursts (${report.reauthsInPlace} re-auths in place), ` +
    `${report.logouts} random logouts (${report.logoutsConfirmed} confirmed), ${report.codGlitches} COD and ` +
    `${report.restoreGlitches} restore glitches, ${report.lateUnauthorizedBursts} concurrent 13009 bursts`,
);
