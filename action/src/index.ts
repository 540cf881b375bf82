// Bundle entry: run the Action and hand its exit code to the runner.
import { run } from './main.ts';

process.exitCode = await run();
