// arm:ListSubscriptions: the configured subscriptions, or every enabled one the credential can read.
import { type AzureRun, call, fail } from '../context.ts';

export async function readSubscriptions(run: AzureRun): Promise<string[]> {
  if (run.config.subscriptions) return run.config.subscriptions;
  try {
    const subs = await call(run, 'arm:ListSubscriptions', 'arm', (signal) => run.clients.listSubscriptions(signal));
    return subs.filter((s) => (s.state ?? 'Enabled').toLowerCase() !== 'disabled').map((s) => s.id);
  } catch (err) {
    fail(run, 'arm:ListSubscriptions', err, { what: 'the subscriptions this credential can read' });
    return [];
  }
}
